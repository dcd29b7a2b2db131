#!/usr/bin/env python3
"""Checks deploy/k8s: every manifest parses, every Deployment has probes,
resources and a non-root, read-only security context, the gRPC backends are
headless, and `kubectl kustomize` (Debian's kubernetes-client) renders it."""
import glob
import os
import subprocess
import sys

import yaml

root = os.path.join(sys.argv[1], "deploy", "k8s")
problems = []

kustomization = yaml.safe_load(open(os.path.join(root, "kustomization.yaml")))
for resource in kustomization["resources"]:
    if not os.path.exists(os.path.join(root, resource)):
        problems.append(f"kustomization names a missing file: {resource}")

documents = []
for path in sorted(glob.glob(os.path.join(root, "*.yaml"))):
    if path.endswith("kustomization.yaml"):
        continue
    documents += [(os.path.basename(path), d) for d in yaml.safe_load_all(open(path)) if d]

deployments = [(f, d) for f, d in documents if d["kind"] == "Deployment"]
if len(deployments) != 3:
    problems.append(f"expected 3 Deployments, found {len(deployments)}")
for source, d in deployments + [(f, d) for f, d in documents if d["kind"] == "Job"]:
    name = f"{source}: {d['kind']} {d['metadata']['name']}"
    pod = d["spec"]["template"]["spec"]
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        problems.append(f"{name}: pod securityContext.runAsNonRoot is not true")
    for c in pod["containers"]:
        where = f"{name} container {c['name']}"
        if d["kind"] == "Deployment":
            for probe in ("readinessProbe", "livenessProbe"):
                if "grpc" not in c.get(probe, {}):
                    problems.append(f"{where}: no gRPC {probe}")
            # Liveness must not follow the database: an outage would
            # restart every pod (the services' "liveness" health name).
            if c.get("livenessProbe", {}).get("grpc", {}).get("service") != "liveness":
                problems.append(f"{where}: livenessProbe must ask the 'liveness' health name")
        resources = c.get("resources", {})
        if not resources.get("requests") or not resources.get("limits"):
            problems.append(f"{where}: resources need requests and limits")
        sc = c.get("securityContext", {})
        if sc.get("allowPrivilegeEscalation") is not False or not sc.get("readOnlyRootFilesystem"):
            problems.append(f"{where}: needs allowPrivilegeEscalation false, readOnlyRootFilesystem")

# Every Deployment is scraped, on the port its metrics are served on.
for source, d in deployments:
    name = f"{source}: Deployment {d['metadata']['name']}"
    annotations = d["spec"]["template"]["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/scrape") != "true":
        problems.append(f"{name}: no prometheus.io/scrape annotation")
        continue
    port = annotations.get("prometheus.io/port")
    container = d["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    served = env.get("NML_METRICS_LISTEN") or env.get("NML_HTTP_LISTEN") or ""
    if not served.endswith(f":{port}"):
        problems.append(f"{name}: scrape port {port} is not where metrics are served ({served})")

services = {d["metadata"]["name"]: d for _, d in documents if d["kind"] == "Service"}
for headless in ("listings", "responses"):
    if services.get(headless, {}).get("spec", {}).get("clusterIP") != "None":
        problems.append(f"Service {headless} must be headless for client-side balancing")
kinds = {d["kind"] for _, d in documents}
for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Job", "ConfigMap"):
    if kind not in kinds:
        problems.append(f"no {kind}")

rendered = subprocess.run(["kubectl", "kustomize", root], capture_output=True, text=True)
if rendered.returncode != 0:
    problems.append(f"kubectl kustomize failed: {rendered.stderr.strip()}")
else:
    out = [d for d in yaml.safe_load_all(rendered.stdout) if d]
    if sum(1 for d in out if d["kind"] == "Deployment") != 3:
        problems.append("kubectl kustomize did not render 3 Deployments")
    if any(d["metadata"].get("namespace") not in (None, "nml") for d in out):
        problems.append("kubectl kustomize left a resource outside the nml namespace")
    print(f"kubectl kustomize rendered {len(out)} resources")

for p in problems:
    print("problem:", p)
if not problems:
    print(f"k8s manifests: {len(documents)} documents, {len(deployments)} Deployments checked")
sys.exit(1 if problems else 0)
