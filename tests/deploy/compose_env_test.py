#!/usr/bin/env python3
"""Runs the binaries with exactly the environment docker-compose.yml gives
each container, against a local PostgreSQL, and checks they become healthy
through the same health check the compose file uses.

Only addresses change: each compose host:port ("postgres:5432",
"listings:50051", "0.0.0.0:8080") is mapped to 127.0.0.1 and a free port, so
the test can run beside anything else on the machine. Everything else of the
environment is taken from `docker-compose config` as it is.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

import yaml

ROOT = sys.argv[1]
BIN = sys.argv[2]
admin_url = os.environ.get("NML_TEST_DATABASE_URL")
if not admin_url:
    sys.exit("NML_TEST_DATABASE_URL is not set: run through scripts/test.sh")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


config = yaml.safe_load(subprocess.run(
    ["docker-compose", "-f", os.path.join(ROOT, "docker-compose.yml"), "config"],
    check=True, capture_output=True, text=True, cwd=ROOT).stdout)
services = config["services"]

pg = urllib.parse.urlparse(admin_url)
ports = {("postgres", "5432"): f"127.0.0.1:{pg.port}"}
for name in ("listings", "responses", "gateway"):
    for value in services[name]["environment"].values():
        for host, port in re.findall(r"([\w.]+):(\d{4,5})\b", str(value)):
            key = (name if host in ("0.0.0.0", "127.0.0.1") else host, port)
            ports.setdefault(key, f"127.0.0.1:{free_port()}")


def localize(service, value):
    def swap(match):
        host, port = match.group(1), match.group(2)
        key = (service if host in ("0.0.0.0", "127.0.0.1") else host, port)
        return ports.get(key, match.group(0))
    return re.sub(r"([\w.]+):(\d{4,5})\b", swap, str(value))


# The databases and roles the compose file's init script creates.
psql = ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-q"]
for svc in ("listings", "responses"):
    subprocess.run(psql + ["-c", f"DROP DATABASE IF EXISTS nml_{svc} WITH (FORCE)"], check=True)
    subprocess.run(psql + ["-c", f"DROP ROLE IF EXISTS nml_{svc}"], check=True)
    subprocess.run(psql + ["-c", f"CREATE ROLE nml_{svc} LOGIN PASSWORD 'x'"], check=True)
    subprocess.run(psql + ["-c", f"CREATE DATABASE nml_{svc} OWNER nml_{svc}"], check=True)

processes = {}
failures = []
try:
    for name in ("listings", "responses", "gateway"):
        service = services[name]
        env = {k: localize(name, v) for k, v in service["environment"].items()}
        env["PATH"] = BIN + ":" + os.environ.get("PATH", "/usr/bin:/bin")
        command = service["command"]
        log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"compose-{name}-{os.getpid()}.log"), "w+")
        processes[name] = (subprocess.Popen(command, env=env, stdout=log, stderr=log), env, log)
        # Compose starts a service once what it depends on is healthy.
        healthcheck = service["healthcheck"]["test"][1:]
        deadline = time.time() + 60
        while time.time() < deadline:
            probe = subprocess.run(healthcheck, env=env, capture_output=True)
            if probe.returncode == 0:
                print(f"{name}: healthy ({' '.join(healthcheck)} with NML_HEALTH_ADDR={env['NML_HEALTH_ADDR']})")
                break
            if processes[name][0].poll() is not None:
                break
            time.sleep(0.3)
        else:
            probe = None
        if probe is None or probe.returncode != 0:
            log.seek(0)
            failures.append(f"{name} never became healthy:\n{log.read()[-2000:]}")
            break
finally:
    for name, (process, env, log) in processes.items():
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

for failure in failures:
    print(failure)
if not failures:
    print("compose environment: listings, responses and gateway all healthy")
sys.exit(1 if failures else 0)
