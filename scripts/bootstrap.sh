#!/usr/bin/env bash
# Installs what building, running and testing nml needs on Debian 12, and
# nothing that is already there. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # a compiler cache that outlives a checkout (scripts/build.sh)
  ccache
  # libraries (DESIGN.md section 2)
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libpqxx-dev libspdlog-dev libfmt-dev libcli11-dev libabsl-dev libre2-dev
  libpsl-dev publicsuffix libidn2-dev nlohmann-json3-dev libboost1.81-dev
  # Unicode folding of names (accents, case) and transliterated ids
  libicu-dev
  # an HTTP client for the tests
  libcpp-httplib-dev
  # an HTTP/2 client below gRPC, for calls cut off mid-request
  # (tests/support/h2_cut_off.py, run with Debian's /usr/bin/python3)
  python3-h2
  libgtest-dev libgmock-dev libbenchmark-dev
  # a private PostgreSQL for development and tests
  postgresql postgresql-contrib
  # deployment checks: compose file validation, manifest tests, TLS test certificates
  docker-compose python3 python3-yaml openssl curl ca-certificates
  # a private Docker engine and the Debian base images for the container
  # tests (scripts/docker.sh)
  docker.io debootstrap
  # the Python client (clients/python): its runtime, and what builds and
  # installs its wheel without a package index
  python3-grpcio python3-protobuf python3-pip python3-setuptools python3-wheel
  python3-venv
  # the Go client (clients/go): Debian's Go, its protoc plugins, and the Go
  # gRPC, protobuf and googleapis sources it builds against offline
  golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
  golang-google-protobuf-dev golang-google-genproto-dev
  # (protobuf 1.5, the APIv1 shim over APIv2 that gRPC's codec calls: with
  # 1.3, which golang-google-grpc-dev also accepts, messages fail to marshal)
  golang-github-golang-protobuf-1-5-dev
  # country names for imports
  iso-codes
  # load generators for bench/ (h2load)
  nghttp2-client
  # the sanitizer build and libFuzzer targets (scripts/test.sh, scripts/fuzz.sh)
  clang-14 libclang-rt-14-dev
  # promtool, which checks every service's /metrics exposition in the tests
  prometheus
  # the web view's browser tests (puppeteer-core drives it; npm's puppeteer
  # would download a browser this machine cannot reach), and a font for
  # its screenshots on a machine that has none
  chromium fonts-dejavu-core
)

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# Node.js and npm for buf (proto lint), the Node.js client example, the web
# view's chart library and its browser tests. Some
# Node.js builds bring npm with them; Debian's does not.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# kubectl renders deploy/k8s (kubectl kustomize); Debian's is kubernetes-client.
command -v kubectl >/dev/null || missing+=(kubernetes-client)

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages exactly as the lockfile says.
if [[ ! -x node_modules/.bin/buf || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "bootstrap: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
