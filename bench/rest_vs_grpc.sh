#!/usr/bin/env bash
# REST through nml-gateway side by side with the same call over gRPC, in one
# run, against the system scripts/up.sh started (with data/ loaded):
#   1. ScreenDomains (1 item): REST over HTTP/1.1 keep-alive at 64
#      connections vs gRPC (h2load -c4 -m16): throughput.
#   2. The same at concurrency 1: median latency (h2load --log-file).
#   3. GetMarketDossier: REST vs the gateway's gRPC, median at concurrency 1.
#   4. 2000 idle keep-alive connections: the gateway's RSS and threads.
# Needs h2load (nghttp2-client) and protoc. Every loop is bounded by -n.
set -euo pipefail
cd "$(dirname "$0")/.."
http=${NML_HTTP:-127.0.0.1:8080}
listings=${NML_LISTINGS:-127.0.0.1:50051}
gateway=${NML_GATEWAY:-127.0.0.1:50050}
n=${N:-40000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source bench/lib.sh
grpc_frame "$work/screen.grpc" nml.listings.v1.ScreenDomainsRequest \
  'items { input: "https://www.aliexpress.com/item/1.html" }'
grpc_frame "$work/dossier.grpc" nml.gateway.v1.GetMarketDossierRequest \
  'market: "markets/aliexpress"'
echo '{"items":[{"input":"https://www.aliexpress.com/item/1.html"}]}' >"$work/screen.json"
grpc=("${grpc_headers[@]}")

rps() { grep -oE 'finished in [^,]+, [0-9.]+ req/s' | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1; }
ok() { grep -oE 'status codes: [0-9]+ 2xx' ; }

gw_pid=$(service_pid gateway)
li_pid=$(service_pid listings)

echo "== ScreenDomains throughput ($n calls)"
l0=$(ticks "$li_pid")
g=$(h2load -n "$n" -c 4 -m 16 -d "$work/screen.grpc" "${grpc[@]}" \
  "http://$listings/nml.listings.v1.ListingsService/ScreenDomains" | tee "$work/g1" | rps)
l1=$(ticks "$li_pid"); w1=$(ticks "$gw_pid")
r=$(h2load --h1 -n "$n" -c 64 -d "$work/screen.json" \
  "http://$http/v1/domains:screen" | tee "$work/r1" | rps)
l2=$(ticks "$li_pid"); w2=$(ticks "$gw_pid")
echo "gRPC  $g req/s ($(ok <"$work/g1")); CPU per call: listings $(per_call "$l0" "$l1" "$n") us"
echo "REST  $r req/s ($(ok <"$work/r1")); CPU per call: gateway $(per_call "$w1" "$w2" "$n") us, listings $(per_call "$l1" "$l2" "$n") us"
echo "REST/gRPC throughput: $(python3 -c "print(f'{$r/$g*100:.0f}%')")"

echo "== ScreenDomains at concurrency 1 (5000 calls)"
h2load -n 5000 -c 1 -d "$work/screen.grpc" "${grpc[@]}" --log-file="$work/g2.log" \
  "http://$listings/nml.listings.v1.ListingsService/ScreenDomains" >/dev/null
h2load --h1 -n 5000 -c 1 -d "$work/screen.json" --log-file="$work/r2.log" \
  "http://$http/v1/domains:screen" >/dev/null
echo "gRPC p50 $(median "$work/g2.log") us; REST p50 $(median "$work/r2.log") us"

echo "== GetMarketDossier at concurrency 1 (2000 calls)"
h2load -n 2000 -c 1 -d "$work/dossier.grpc" "${grpc[@]}" --log-file="$work/g3.log" \
  "http://$gateway/nml.gateway.v1.GatewayService/GetMarketDossier" >/dev/null
h2load --h1 -n 2000 -c 1 --log-file="$work/r3.log" \
  "http://$http/v1/markets/aliexpress:dossier" >/dev/null
gd=$(median "$work/g3.log"); rd=$(median "$work/r3.log")
echo "gRPC p50 $gd us; REST p50 $rd us; REST/gRPC $(python3 -c "print(f'{$rd/$gd:.2f}x')")"

echo "== 2000 idle keep-alive connections"
pid=$(service_pid gateway)
stat() { echo "RSS $(awk '/VmRSS/{print $2" "$3}' /proc/$pid/status), threads $(ls /proc/$pid/task | wc -l), fds $(ls /proc/$pid/fd | wc -l)"; }
echo "before: $(stat)"
python3 - "$http" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].split(':')
conns = []
for i in range(2000):
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n")
    conns.append(s)
for s in conns:
    s.recv(4096)
time.sleep(4)
PY
sleep 3
echo "with 2000 idle: $(stat)"
wait
sleep 1
echo "after: $(stat)"
