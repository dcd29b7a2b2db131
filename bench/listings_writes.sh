#!/usr/bin/env bash
# A listings write at concurrency 1 against the system scripts/up.sh started
# (data/ loaded), with a snapshot read in the same run as the reference:
# median latency and nml-listings' CPU per call. Each UpdateMarket is a real
# write (a new data version) that the writer must serve before it answers.
# To compare two builds, run it against each nml-listings in turn on the
# same database (the printed pid and binary say which one answered).
# Needs h2load (nghttp2-client) and protoc. Every loop is bounded by -n.
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${NML_LISTINGS:-127.0.0.1:50051}
n=${N:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source bench/lib.sh
grpc_frame "$work/write.grpc" nml.listings.v1.UpdateMarketRequest \
  'market { name: "markets/taobao" city: "Hangzhou" } update_mask { paths: "city" }'
grpc_frame "$work/read.grpc" nml.listings.v1.GetReviewRequest 'name: "reviews/2021"'
pid=${NML_LISTINGS_PID:-$(pgrep -f 'nml-listings' | head -1)}

run() {  # label path body
  local t0 t1
  t0=$(ticks "$pid")
  h2load -n "$n" -c 1 -d "$3" "${grpc_headers[@]}" --log-file="$work/log" \
    "http://$listings/$2" | grep -qE "$n succeeded" || { echo "$1: calls failed" >&2; exit 1; }
  t1=$(ticks "$pid")
  printf '%-32s p50 %7s us   CPU %7s us/call\n' "$1" "$(median "$work/log")" \
    "$(per_call "$t0" "$t1" "$n")"
}
echo "== nml-listings pid $pid ($(readlink /proc/$pid/exe)), $n calls each at c1"
run "GetReview (snapshot read)" nml.listings.v1.ListingsService/GetReview "$work/read.grpc"
run "UpdateMarket (a write)" nml.listings.v1.ListingsService/UpdateMarket "$work/write.grpc"
