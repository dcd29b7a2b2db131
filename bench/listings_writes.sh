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

echo "== nml-listings pid $pid ($(readlink /proc/$pid/exe)), $n calls each at c1"
time_c1 "GetReview (snapshot read)" "$pid" \
  "http://$listings/nml.listings.v1.ListingsService/GetReview" "$work/read.grpc"
time_c1 "UpdateMarket (a write)" "$pid" \
  "http://$listings/nml.listings.v1.ListingsService/UpdateMarket" "$work/write.grpc"
