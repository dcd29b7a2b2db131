#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS (default 10) from its seed corpus in
# tests/fuzz/corpus, with its dictionary when there is one; any crash, leak,
# sanitizer report or timeout fails. Needs the sanitizer build
# (NML_SANITIZE=ON; scripts/test.sh makes it in build-sanitize).
#   scripts/fuzz.sh [SECONDS] [TARGET...]   e.g. scripts/fuzz.sh 600 filter_fuzz
# New inputs go to a scratch corpus (the tree's seeds are not changed);
# crashing inputs are kept in ${NML_FUZZ_ARTIFACTS:-/tmp/nml-fuzz-artifacts}.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${NML_SANITIZE_BUILD_DIR:-build-sanitize}
seconds=${1:-10}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(filter_fuzz list_params_fuzz domain_fuzz csv_import_fuzz
           response_rules_fuzz api_keys_fuzz rest_request_fuzz h2_frames_fuzz)
fi
artifacts=${NML_FUZZ_ARTIFACTS:-/tmp/nml-fuzz-artifacts}
mkdir -p "$artifacts"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for target in "${targets[@]}"; do
  name=${target%_fuzz}
  binary="$build/tests/fuzz/$target"
  [[ -x "$binary" ]] || { echo "fuzz: $binary is not built" >&2; exit 1; }
  scratch=$(mktemp -d "/tmp/nml-fuzz-$name.XXXXXX")
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$artifacts/$target-")
  [[ -f tests/fuzz/dict/$name.dict ]] && args+=(-dict="tests/fuzz/dict/$name.dict")
  echo "== fuzz $target for ${seconds}s"
  if ! "$binary" "${args[@]}" "$scratch" "tests/fuzz/corpus/$name" \
      > "$scratch.log" 2>&1; then
    tail -n 60 "$scratch.log" >&2
    echo "fuzz: $target failed; the input is in $artifacts" >&2
    rm -rf "$scratch"
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov: ' "$scratch.log" | tail -n 3
  rm -rf "$scratch" "$scratch.log"
done
