#!/usr/bin/env bash
# Overload, in one run: each path's unloaded latency, its maximum
# throughput (closed loop), and what happens when 1.5 times that maximum is
# offered open loop (build/bench/load_driver: calls arrive on schedule
# whatever the answers do, latency counted from the scheduled time).
#   1. a PostgreSQL read on the workers: nml-responses ListResponses, a
#      page of 100;
#   2. a snapshot read on gRPC's threads: nml-listings ScreenDomains, one
#      item; nml-listings is pinned to CPU 0 and the driver to CPU 1 so the
#      driver cannot starve the server it measures. The reference is
#      build/bench/echo_server on the same CPU: a call that does nothing,
#      the least a server pays for any call it takes in, refused or not.
# It starts its own PostgreSQL and services (ports 27930-27933) and loads
# data/. Every load run is bounded by --seconds and the driver's cap on
# calls in flight.
#   bench/overload.sh                           (build first: scripts/build.sh)
#   NML_BUILD_DIR=old-build bench/overload.sh   (other services, same driver)
#   NML_EXTRA_ENV="NML_MAX_CONCURRENT_STREAMS=100000" bench/overload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${NML_BUILD_DIR:-build}
driver=build/bench/load_driver
echo_server=build/bench/echo_server
secs=${SECS:-4}
read -r -a extra <<<"${NML_EXTRA_ENV:-}"
work=$(mktemp -d /tmp/nml-overload.XXXXXX)
pgdir=$(mktemp -d /tmp/nml-overload-pg.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg.sh stop "$pgdir" || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT
admin=$(scripts/pg.sh start "$pgdir" 27930)
export PGOPTIONS=--client-min-messages=warning
for db in nml_overload_listings nml_overload_responses; do
  psql "$admin" -qc "CREATE DATABASE $db"
done
server=${admin%/*}

source bench/lib.sh
log="$work/services.log"
start_service "$log" "$bin" "$bin/services/listings/nml-listings" 27931 \
  NML_DATABASE_URL="$server/nml_overload_listings" "${extra[@]}"
listings_pid=${pids[-1]}
start_service "$log" "$bin" "$bin/services/responses/nml-responses" 27932 \
  NML_DATABASE_URL="$server/nml_overload_responses" \
  NML_LISTINGS_ADDR=127.0.0.1:27931 "${extra[@]}"
responses_pid=${pids[-1]}
"$bin/tools/nmlctl" --addr 127.0.0.1:27931 import data/ >/dev/null
"$bin/tools/nmlctl" --responses-addr 127.0.0.1:27932 \
  import-responses data/responses.csv >/dev/null

message() {  # out type text: the serialized message, no gRPC framing
  grpc_frame "$1.grpc" "$2" "$3"
  tail -c +6 "$1.grpc" >"$1"
}
message "$work/list.bin" nml.responses.v1.ListResponsesRequest 'page_size: 100'
message "$work/screen.bin" nml.listings.v1.ScreenDomainsRequest \
  'items { input: "https://www.aliexpress.com/item/1.html" }'

field() { tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
hwm() { awk '/VmHWM/ {print int($2 / 1024) " MB"}' "/proc/$1/status"; }

# scenario label address method body concurrency pid [driver CPU]
scenario() {
  local label=$1 address=$2 method=$3 body=$4 c=$5 pid=$6 cpu=${7:-}
  local drive=("$driver" --target "$address" --method "$method" --body "$body")
  [[ -n "$cpu" ]] && drive=(taskset -c "$cpu" "${drive[@]}")
  local unloaded max rate overloaded
  unloaded=$("${drive[@]}" --concurrency 1 --seconds 2)
  max=$("${drive[@]}" --concurrency "$c" --seconds 3 | field goodput)
  rate=$(python3 -c "print(round(1.5 * $max))")
  overloaded=$("${drive[@]}" --rate "$rate" --seconds "$secs" --deadline-ms 1000)
  echo "== $label"
  echo "unloaded (one call at a time): p50 $(field ok_p50_us <<<"$unloaded") us, p99 $(field ok_p99_us <<<"$unloaded") us"
  echo "maximum (closed loop, $c in flight): $max calls/s"
  echo "1.5x offered, open loop ($rate calls/s for $secs s):"
  python3 - "$max" "$unloaded" "$overloaded" <<'PY'
import sys
mx = float(sys.argv[1])
u = dict(kv.split("=") for kv in sys.argv[2].split())
o = dict(kv.split("=") for kv in sys.argv[3].split())
print(f"  goodput {float(o['goodput']):.0f}/s = {100 * float(o['goodput']) / mx:.0f}% of the maximum")
print(f"  admitted: p50 {o['ok_p50_us']} us, p99 {o['ok_p99_us']} us "
      f"({int(o['ok_p99_us']) / max(1, int(u['ok_p99_us'])):.1f}x the unloaded p99)")
print(f"  refused (RESOURCE_EXHAUSTED): {o['refused']} calls, p50 {o['refused_p50_us']} us, p99 {o['refused_p99_us']} us")
print(f"  other failures (deadline): {o['other']}; not sent (driver at its cap): {o['not_sent']}")
PY
  echo "  server RSS high-water: $(hwm "$pid")"
}

scenario "ListResponses, a page of 100 (PostgreSQL, workers)" 127.0.0.1:27932 \
  /nml.responses.v1.ResponsesService/ListResponses "$work/list.bin" 16 \
  "$responses_pid"

cpus=$(nproc)
if ((cpus >= 2)); then
  taskset -a -p -c 0 "$listings_pid" >/dev/null
  pin=1
else
  pin=
fi
scenario "ScreenDomains, one item (snapshot, gRPC threads)" 127.0.0.1:27931 \
  /nml.listings.v1.ListingsService/ScreenDomains "$work/screen.bin" 256 \
  "$listings_pid" $pin
"$echo_server" --listen 127.0.0.1:27933 --upstream 127.0.0.1:27931 \
  --method /nml.listings.v1.ListingsService/ScreenDomains \
  --body "$work/screen.bin" 2>>"$log" &
pids+=($!)
for _ in $(seq 1 50); do grep -q "reply on" "$log" && break; sleep 0.1; done
((cpus >= 2)) && taskset -a -p -c 0 "${pids[-1]}" >/dev/null
echo_max=$(${pin:+taskset -c $pin} "$driver" --target 127.0.0.1:27933 \
  --method /nml.listings.v1.ListingsService/ScreenDomains \
  --body "$work/screen.bin" --concurrency 256 --seconds 3 | field goodput)
echo "reference: echo_server (does nothing) on the same CPU, closed loop: $echo_max calls/s"
