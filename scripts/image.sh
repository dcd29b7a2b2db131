#!/usr/bin/env bash
# Builds nml's images on the engine of scripts/docker.sh (started if needed):
#
#   scripts/image.sh          nml:latest, the Dockerfile's runtime stage,
#                             with the host's binaries (scripts/build.sh),
#                             and nml-postgres:15 (deploy/postgres)
#   scripts/image.sh --full   the same, with the binaries compiled inside
#                             the image (the Dockerfile's build stage)
#
# Prints the DOCKER_HOST the images are on. NML_DOCKER_DIR is the engine's
# directory (/var/tmp/nml-docker/engine by default: it outlives a checkout,
# so the base images are made once).
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${NML_DOCKER_DIR:-/var/tmp/nml-docker/engine}
export DOCKER_HOST=$(scripts/docker.sh start "$engine")
scripts/docker.sh base "$engine" >/dev/null
export DOCKER_BUILDKIT=1
docker=/usr/bin/docker
log="$engine/image-build.log"
build() {  # docker build arguments...
  "$docker" build --network host "$@" >>"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; echo "image.sh: docker build failed (log: $log)" >&2; exit 1; }
}
: >"$log"
if [[ "${1:-}" == --full ]]; then
  # npm may need the machine's CA bundle; a BuildKit secret, never a layer.
  build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt \
    --build-arg NML_SKIP_TESTS=1 --target runtime -t nml:latest .
else
  scripts/build.sh >/dev/null
  rm -rf .docker-out && mkdir -p .docker-out
  bin=${NML_BUILD_DIR:-build}
  install -s -m 0755 "$bin/services/listings/nml-listings" \
    "$bin/services/responses/nml-responses" "$bin/services/gateway/nml-gateway" \
    "$bin/tools/nmlctl" "$bin/tools/nml-health-check" .docker-out/
  build --build-arg NML_BINARIES=host --target runtime -t nml:latest .
fi
build -t nml-postgres:15 deploy/postgres
echo "$DOCKER_HOST"
