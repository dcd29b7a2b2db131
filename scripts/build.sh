#!/usr/bin/env bash
# Configures and builds nml into build/ (NML_BUILD_DIR to change);
# NML_SANITIZE=1 configures the clang sanitizer build with the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NML_BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
  if [[ "${NML_SANITIZE:-0}" == 1 ]]; then
    # The sanitizer build and fuzz targets (clang; no benchmarks).
    CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DNML_WERROR=ON -DNML_SANITIZE=ON -DNML_BUILD_BENCHMARKS=OFF >/dev/null
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNML_WERROR=ON >/dev/null
  fi
fi
cmake --build "$build" -- -j"$(nproc)"
