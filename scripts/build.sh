#!/usr/bin/env bash
# Configures and builds nml into build/ (NML_BUILD_DIR to change);
# NML_SANITIZE=1 configures the clang sanitizer build with the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NML_BUILD_DIR:-build}
# Compiles go through ccache (scripts/bootstrap.sh installs it), whose cache
# lives in the user's home (~/.cache/ccache), outside the checkout, so a
# fresh clone on the same machine (CI's) reuses what an earlier build
# compiled. Paths are hashed relative to the checkout, so clones in other
# folders hit the same entries.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
if [[ ! -f "$build/build.ninja" ]]; then
  if [[ "${NML_SANITIZE:-0}" == 1 ]]; then
    # The sanitizer build and fuzz targets (clang; no benchmarks).
    CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DNML_WERROR=ON -DNML_SANITIZE=ON -DNML_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNML_WERROR=ON \
      "${launcher[@]}" >/dev/null
  fi
fi
cmake --build "$build" -- -j"$(nproc)"
if command -v ccache >/dev/null; then ccache --show-stats 2>/dev/null | grep -iE '^(cacheable|hits|misses)|hit' | head -3 || true; fi
