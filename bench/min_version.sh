#!/usr/bin/env bash
# A read that asks for a data version the replica already serves
# (x-nml-min-data-version) side by side with the same read without it, in
# one run, against the system scripts/up.sh started (data/ loaded): GetReview
# at concurrency 1 (median) and throughput at h2load -c4 -m16, ROUNDS times
# alternately. Goal (issue 28): within 5 %. Needs h2load and protoc; every
# loop is bounded by -n and ROUNDS.
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${NML_LISTINGS:-127.0.0.1:50051}
n=${N:-20000}
rounds=${ROUNDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source bench/lib.sh
grpc_frame "$work/review.grpc" nml.listings.v1.GetReviewRequest 'name: "reviews/2021"'
url="http://$listings/nml.listings.v1.ListingsService/GetReview"
rps() { grep -oE 'finished in [^,]+, [0-9.]+ req/s' | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1; }
run() {  # extra h2load args... -> "p50_us req/s"
  h2load -n 5000 -c 1 -d "$work/review.grpc" "${grpc_headers[@]}" "$@" \
    --log-file="$work/c1.log" "$url" >/dev/null
  local p50
  p50=$(median "$work/c1.log")
  echo "$p50 $(h2load -n "$n" -c 4 -m 16 -d "$work/review.grpc" "${grpc_headers[@]}" "$@" "$url" | rps)"
}
echo "| round | plain c1 p50 | min-version c1 p50 | plain req/s | min-version req/s | ratio |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  read -r p50 prps < <(run)
  read -r m50 mrps < <(run -H 'x-nml-min-data-version: 1')
  echo "| $round | $p50 us | $m50 us | $prps | $mrps | $(python3 -c "print(f'{$mrps/$prps:.2f}')") |"
done
