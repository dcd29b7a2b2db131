#!/usr/bin/env python3
"""The image, the compose file and the Kubernetes manifests name the same
things: every NML_* variable a container is given is one its binary reads
(CLI11's --help lists each as "Env:NAME"), the port a service listens on is
the port its health check, probes, containerPort and Service use, and the
metrics port is the one declared. A renamed flag or moved port fails here,
not in a cluster.

  names_match_test.py ROOT BIN_DIR[:BIN_DIR...]
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = sys.argv[1]
PATH = sys.argv[2]
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def binary(name):
    for d in PATH.split(":"):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    sys.exit(f"{name} not found in {PATH}")


_known = {}


def known_env(program):
    """The NML_* variables a container running `program` reads: its own and
    those of nml-health-check, which its health check runs (from --help)."""
    if program not in _known:
        names = set()
        for p in (program, "nml-health-check"):
            out = subprocess.run([binary(p), "--help"], capture_output=True,
                                 text=True).stdout
            names |= set(re.findall(r"Env:(NML_[A-Z0-9_]+)", out))
        _known[program] = names
    return _known[program]


def port_of(address):
    return int(address.rsplit(":", 1)[1])


# docker-compose.yml, as docker-compose reads it.
compose = yaml.safe_load(subprocess.run(
    ["docker-compose", "-f", os.path.join(ROOT, "docker-compose.yml"), "config"],
    check=True, capture_output=True, text=True, cwd=ROOT).stdout)["services"]
for name, service in compose.items():
    command = service.get("command") or []
    if not command or not command[0].startswith("nml-"):
        continue
    program = command[0]
    env = service.get("environment") or {}
    for key in env:
        if key.startswith("NML_"):
            check(key in known_env(program),
                  f"compose {name}: {key} is not read by {program}")
    listen = port_of(env["NML_LISTEN"])
    check(port_of(env["NML_HEALTH_ADDR"]) == listen,
          f"compose {name}: NML_HEALTH_ADDR is not the NML_LISTEN port {listen}")
    check(service["healthcheck"]["test"][1] == "nml-health-check",
          f"compose {name}: the health check is not nml-health-check")

# deploy/k8s: Deployments, their Services and the shared ConfigMap.
documents = []
k8s = os.path.join(ROOT, "deploy", "k8s")
for file in sorted(os.listdir(k8s)):
    if file.endswith(".yaml") and file != "kustomization.yaml":
        with open(os.path.join(k8s, file)) as f:
            documents += [d for d in yaml.safe_load_all(f) if d]
config_maps = {d["metadata"]["name"]: d.get("data", {})
               for d in documents if d["kind"] == "ConfigMap"}
services = [d for d in documents if d["kind"] == "Service"]
config_users = {}  # ConfigMap key -> programs given it
checked = 0
for deployment in (d for d in documents if d["kind"] == "Deployment"):
    name = deployment["metadata"]["name"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    program = container["command"][0]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    for key in env:
        check(key in known_env(program), f"k8s {name}: {key} is not read by {program}")
    for source in container.get("envFrom", []):
        for key in config_maps.get(source.get("configMapRef", {}).get("name"), {}):
            config_users.setdefault(key, set()).add(program)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    listen = port_of(env["NML_LISTEN"])
    check(ports.get("grpc") == listen,
          f"k8s {name}: containerPort grpc {ports.get('grpc')} is not NML_LISTEN's {listen}")
    check(port_of(env["NML_HEALTH_ADDR"]) == listen,
          f"k8s {name}: NML_HEALTH_ADDR is not the NML_LISTEN port")
    if "NML_METRICS_LISTEN" in env:
        check(ports.get("metrics") == port_of(env["NML_METRICS_LISTEN"]),
              f"k8s {name}: containerPort metrics is not NML_METRICS_LISTEN's")
    if "NML_HTTP_LISTEN" in env:
        check(ports.get("http") == port_of(env["NML_HTTP_LISTEN"]),
              f"k8s {name}: containerPort http is not NML_HTTP_LISTEN's")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        if probe in container:
            check(container[probe]["grpc"]["port"] == listen,
                  f"k8s {name}: {probe} asks port {container[probe]['grpc']['port']}, "
                  f"not {listen}")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for service in services:
        if service["spec"].get("selector") == labels:
            for port in service["spec"]["ports"]:
                target = port.get("targetPort")
                check(target in ports or target in ports.values(),
                      f"k8s Service {service['metadata']['name']}: targetPort {target} "
                      f"is no port of {name}")
    checked += 1
for key, programs in config_users.items():
    if key.startswith("NML_"):
        check(any(key in known_env(p) for p in programs),
              f"k8s ConfigMap: {key} is read by none of {sorted(programs)}")

# The image: the health check its containers run is the binary it ships.
with open(os.path.join(ROOT, "Dockerfile")) as f:
    dockerfile = f.read()
check('CMD ["nml-health-check", "--quiet"]' in dockerfile,
      "Dockerfile: HEALTHCHECK is not nml-health-check --quiet")
check("nml-health-check" in dockerfile.split("FROM debian:bookworm AS build")[1],
      "Dockerfile: nml-health-check is not installed into the image")

for failure in failures:
    print("FAIL:", failure)
print(f"names match: {len(compose)} compose services, {checked} Deployments, "
      f"{len(config_users)} ConfigMap keys; {len(failures)} failures")
sys.exit(1 if failures else 0)
