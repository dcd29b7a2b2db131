#!/usr/bin/env bash
# Bulk screening through nmlctl (`nmlctl screen --file`, batches of 1,000 in
# ScreenDomains calls) against the system scripts/up.sh started, side by side
# with the in-process snapshot screening it rests on
# (screen_bench BM_ScreenSnapshot/1000): rows per second of each, in one run.
# N inputs (default 100,000), RUNS timed runs each (default 5, median).
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${NML_LISTINGS:-127.0.0.1:50051}
n=${N:-100000}
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" >"$work/urls.txt" <<'PY'
import random, sys
random.seed(1)
shapes = ["https://www.aliexpress.com/item/%d.html", "pan.baidu.com/s/%d",
          "https://shop%d.example.com/x", "taobao.com/item/%d",
          "http://m%d.dhgate.com/"]
for i in range(int(sys.argv[1])):
    print(random.choice(shapes) % i)
PY
rates=()
for _ in $(seq 1 "$runs"); do
  line=$(build/tools/nmlctl --addr "$listings" screen --year 2021 \
    --file "$work/urls.txt" --output /dev/null 2>&1 | tr '\r' '\n' | tail -1)
  rates+=("$(grep -oE '\(([0-9]+) inputs/s\)' <<<"$line" | grep -oE '[0-9]+')")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "nmlctl screen --file, $n inputs, $runs runs: median $median inputs/s (${rates[*]})"
build/bench/screen_bench --benchmark_filter='BM_ScreenSnapshot/1000$' \
  --benchmark_min_time=0.5 --benchmark_repetitions="$runs" \
  --benchmark_report_aggregates_only=true 2>/dev/null | grep -E 'median'
