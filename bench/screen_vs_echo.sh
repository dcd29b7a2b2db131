#!/usr/bin/env bash
# ScreenDomains (1 item) on nml-listings side by side with a bare gRPC
# server that answers every call with the same reply's bytes
# (build/bench/echo_server), in one run, against the system scripts/up.sh
# started: throughput at the same offered load (h2load -c4 -m16) and the
# median and p99 at concurrency 1, plus nml-listings' CPU per call.
# Needs h2load (nghttp2-client) and protoc. Every loop is bounded by -n.
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${NML_LISTINGS:-127.0.0.1:50051}
echo_addr=${NML_ECHO:-127.0.0.1:50099}
n=${N:-40000}
work=$(mktemp -d)
source bench/lib.sh
grpc_frame "$work/screen.grpc" nml.listings.v1.ScreenDomainsRequest \
  'items { input: "https://www.aliexpress.com/item/1.html" }'
tail -c +6 "$work/screen.grpc" >"$work/screen.bin"  # the bare message
path=/nml.listings.v1.ListingsService/ScreenDomains
build/bench/echo_server --listen "$echo_addr" --upstream "$listings" \
  --method "$path" --body "$work/screen.bin" 2>"$work/echo.log" &
echo_pid=$!
trap 'kill $echo_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do grep -q "reply on" "$work/echo.log" && break; sleep 0.1; done
cat "$work/echo.log"

rps() { grep -oE 'finished in [^,]+, [0-9.]+ req/s' | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1; }
p99() { sort -n -k3 "$1" | awk '{a[NR]=$3} END {print a[int(NR*0.99)]}'; }
li_pid=$(service_pid listings)

echo "== throughput, $n calls, h2load -c4 -m16"
t0=$(ticks "$li_pid")
s=$(h2load -n "$n" -c 4 -m 16 -d "$work/screen.grpc" "${grpc_headers[@]}" \
  "http://$listings$path" | rps)
t1=$(ticks "$li_pid")
e=$(h2load -n "$n" -c 4 -m 16 -d "$work/screen.grpc" "${grpc_headers[@]}" \
  "http://$echo_addr$path" | rps)
echo "ScreenDomains $s req/s (listings CPU $(per_call "$t0" "$t1" "$n") us/call); echo $e req/s"
echo "ScreenDomains / echo: $(python3 -c "print(f'{$s/$e*100:.0f}%')")"

echo "== latency at concurrency 1, 5000 calls"
for target in "ScreenDomains $listings" "echo $echo_addr"; do
  set -- $target
  h2load -n 5000 -c 1 -d "$work/screen.grpc" "${grpc_headers[@]}" \
    --log-file="$work/$1.log" "http://$2$path" >/dev/null
  echo "$1 p50 $(median "$work/$1.log") us, p99 $(p99 "$work/$1.log") us"
done
