#!/usr/bin/env bash
# Configures and builds nml into build/ (NML_BUILD_DIR to change).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NML_BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNML_WERROR=ON >/dev/null
fi
cmake --build "$build" -- -j"$(nproc)"
