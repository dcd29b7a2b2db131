#!/usr/bin/env bash
# What the gRPC front (common/grpc_front.h: the relay that ends rapid-reset
# floods) costs a call: nml-listings of this checkout side by side with one
# built from a commit before the front (the reference), both on the same
# database with data/ loaded, in one run. Alternately, ROUNDS times:
# ScreenDomains (1 item) throughput at h2load -c4 -m16 with CPU per call,
# then the median and p99 at concurrency 1.
#   NML_DATABASE_URL=postgresql://... NML_REF_BUILD=/tmp/ref/build \
#     bench/grpc_front.sh
# NML_REF_BUILD: the build directory of the reference (e.g. a worktree of
# d487c54 built with `ninja nml-listings nml-health-check`). Needs h2load
# (nghttp2-client) and protoc. Every loop is bounded by -n and ROUNDS.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${NML_DATABASE_URL:?a database URL the two servers share}
ref=${NML_REF_BUILD:?the reference build directory}
n=${N:-40000}
rounds=${ROUNDS:-5}
front_port=${FRONT_PORT:-50161}
ref_port=${REF_PORT:-50162}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
source bench/lib.sh

start_service "$work/front.log" build build/services/listings/nml-listings \
  "$front_port" NML_DATABASE_URL="$db"
build/tools/nmlctl --addr "127.0.0.1:$front_port" --timeout 60000 import data >/dev/null
start_service "$work/ref.log" "$ref" "$ref/services/listings/nml-listings" \
  "$ref_port" NML_DATABASE_URL="$db"
front_pid=${pids[0]}
ref_pid=${pids[1]}

grpc_frame "$work/screen.grpc" nml.listings.v1.ScreenDomainsRequest \
  'items { input: "https://www.aliexpress.com/item/1.html" }'
path=/nml.listings.v1.ListingsService/ScreenDomains
rps() { grep -oE 'finished in [^,]+, [0-9.]+ req/s' | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1; }
p99() { sort -n -k3 "$1" | awk '{a[NR]=$3} END {print a[int(NR*0.99)]}'; }

throughput() {  # port pid -> "req/s cpu_us_per_call"
  local t0 t1 r
  t0=$(ticks "$2")
  r=$(h2load -n "$n" -c 4 -m 16 -d "$work/screen.grpc" "${grpc_headers[@]}" \
    "http://127.0.0.1:$1$path" | rps)
  t1=$(ticks "$2")
  echo "$r $(per_call "$t0" "$t1" "$n")"
}
latency() {  # port -> "p50 p99"
  h2load -n 5000 -c 1 -d "$work/screen.grpc" "${grpc_headers[@]}" \
    --log-file="$work/c1.log" "http://127.0.0.1:$1$path" >/dev/null
  echo "$(median "$work/c1.log") $(p99 "$work/c1.log")"
  rm -f "$work/c1.log"
}

echo "| round | front req/s | ref req/s | ratio | front CPU/call | ref CPU/call | c1 p50/p99 front | c1 p50/p99 ref |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  read -r f_rps f_cpu < <(throughput "$front_port" "$front_pid")
  read -r r_rps r_cpu < <(throughput "$ref_port" "$ref_pid")
  read -r f50 f99 < <(latency "$front_port")
  read -r r50 r99 < <(latency "$ref_port")
  ratio=$(python3 -c "print(f'{$f_rps/$r_rps:.2f}')")
  echo "| $round | $f_rps | $r_rps | $ratio | $f_cpu us | $r_cpu us | $f50 / $f99 us | $r50 / $r99 us |"
done
