#!/usr/bin/env bash
# Overload, in one run: each path's unloaded latency, its maximum
# throughput (closed loop), and what happens when 1.5 times that maximum is
# offered open loop (build/bench/load_driver: calls arrive on schedule
# whatever the answers do, latency counted from the scheduled time).
#   1. a PostgreSQL read on the workers: nml-responses ListResponses, a
#      page of 100;
#   2. a snapshot read on gRPC's threads: nml-listings ScreenDomains, one
#      item. The reference is build/bench/echo_server: a call that does
#      nothing, the least a server pays for any call it takes in, refused
#      or not.
# The first runs share the machine's CPUs, as a deployment on one host
# would. For the second, a gRPC client costs about what a gRPC server does
# per call, so a driver sharing the CPUs cannot offer 1.5x of what the
# server answers: nml-listings and echo_server are pinned to CPU 0 with a
# third of it (a cgroup v1 CPU quota, 3.3 ms per 10 ms, when the machine
# allows it) and the driver has CPU 1. The driver's own lateness is
# printed; when it is not small, the run measured the driver.
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
  unquota
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg.sh stop "$pgdir" || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT
cgroup=/sys/fs/cgroup/cpu/nml-overload-$$
quota() {  # pid: at most a third of a CPU for every thread of pid
  mkdir "$cgroup" 2>/dev/null || return 1
  echo 10000 >"$cgroup/cpu.cfs_period_us" && echo 3333 >"$cgroup/cpu.cfs_quota_us" ||
    return 1
  local t
  for t in /proc/"$1"/task/*; do echo "${t##*/}" >"$cgroup/tasks"; done
}
unquota() {
  [[ -d "$cgroup" ]] || return 0
  local t
  while read -r t; do echo "$t" >/sys/fs/cgroup/cpu/tasks 2>/dev/null || true; done <"$cgroup/tasks"
  rmdir "$cgroup" 2>/dev/null || true
}
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

pin=()
server_cpu() { :; }
if (($(nproc) >= 2)); then
  pin=(taskset -c 1)
  server_cpu() { taskset -a -p -c 0 "$1" >/dev/null; }
fi

# scenario label address method body "concurrencies" pid: the maximum is
# the best closed-loop goodput among the concurrencies.
scenario() {
  local label=$1 address=$2 method=$3 body=$4 cs=$5 pid=$6 c
  local drive=("${drive_pin[@]}" "$driver" --target "$address" --method "$method"
    --body "$body")
  local unloaded max rate overloaded
  unloaded=$("${drive[@]}" --concurrency 1 --seconds 2)
  max=0
  for c in $cs; do
    max=$(python3 -c "print(max($max, $("${drive[@]}" --concurrency "$c" --seconds 3 | field goodput)))")
  done
  rate=$(python3 -c "print(round(1.5 * $max))")
  overloaded=$("${drive[@]}" --rate "$rate" --seconds "$secs" --deadline-ms 1000)
  echo "== $label"
  echo "unloaded (one call at a time): p50 $(field ok_p50_us <<<"$unloaded") us, p99 $(field ok_p99_us <<<"$unloaded") us"
  echo "maximum (closed loop, best of $cs in flight): $max calls/s"
  echo "1.5x offered, open loop ($rate calls/s for $secs s):"
  python3 - "$max" "$unloaded" "$overloaded" <<'PY'
import sys
mx = float(sys.argv[1])
u = dict(kv.split("=") for kv in sys.argv[2].split())
o = dict(kv.split("=") for kv in sys.argv[3].split())
print(f"  goodput {float(o['goodput']):.0f}/s = {100 * float(o['goodput']) / mx:.0f}% of the maximum")
print(f"  admitted: p50 {o['ok_p50_us']} us, p99 {o['ok_p99_us']} us "
      f"({int(o['ok_p99_us']) / max(1, int(u['ok_p99_us'])):.1f}x the unloaded p99); "
      f"after the first second: p99 {o['ok_p99_after_1s_us']} us "
      f"({int(o['ok_p99_after_1s_us']) / max(1, int(u['ok_p99_us'])):.1f}x)")
print(f"  refused (RESOURCE_EXHAUSTED): {o['refused']} calls, p50 {o['refused_p50_us']} us, p99 {o['refused_p99_us']} us")
print(f"  other failures (deadline): {o['other']}; not sent (driver at its cap): {o['not_sent']}")
print(f"  the driver's own lateness, p99: {o['lag_p99_us']} us")
PY
  echo "  server RSS high-water: $(hwm "$pid")"
}

drive_pin=()
scenario "ListResponses, a page of 100 (PostgreSQL, workers)" 127.0.0.1:27932 \
  /nml.responses.v1.ResponsesService/ListResponses "$work/list.bin" "4 8 16" \
  "$responses_pid"

drive_pin=("${pin[@]}")
server_cpu "$listings_pid"
if quota "$listings_pid"; then
  note="nml-listings at a third of a CPU"
else
  note="no CPU quota: cgroup v1 cpu is not writable here"
fi
scenario "ScreenDomains, one item (snapshot, gRPC threads; $note)" \
  127.0.0.1:27931 /nml.listings.v1.ListingsService/ScreenDomains \
  "$work/screen.bin" "64 256" "$listings_pid"
unquota
"$echo_server" --listen 127.0.0.1:27933 --upstream 127.0.0.1:27931 \
  --method /nml.listings.v1.ListingsService/ScreenDomains \
  --body "$work/screen.bin" 2>>"$log" &
pids+=($!)
for _ in $(seq 1 50); do grep -q "reply on" "$log" && break; sleep 0.1; done
server_cpu "${pids[-1]}"
quota "${pids[-1]}" || true
echo_max=$("${pin[@]}" "$driver" --target 127.0.0.1:27933 \
  --method /nml.listings.v1.ListingsService/ScreenDomains \
  --body "$work/screen.bin" --concurrency 256 --seconds 3 | field goodput)
unquota
echo "reference: echo_server (does nothing, same CPU share), closed loop, 256 in flight: $echo_max calls/s"
