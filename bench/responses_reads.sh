#!/usr/bin/env bash
# The responses service's trivial reads side by side with a listings
# snapshot read, in one run, against the system scripts/up.sh started (with
# data/ loaded): median latency at concurrency 1 (h2load --log-file) and CPU
# per call of the serving process.
#   1. listings GetReview (the snapshot read, the reference)
#   2. responses GetStakeholder (one row)
#   3. responses ListResponses, every live response (one page)
# Needs h2load (nghttp2-client) and protoc. Every loop is bounded by -n.
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${NML_LISTINGS:-127.0.0.1:50051}
responses=${NML_RESPONSES:-127.0.0.1:50052}
n=${N:-5000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

grpc_body() {  # proto type text out
  printf '%s' "$3" | protoc -I proto -I node_modules/google-proto-files \
    --encode="$2" "$1" >"$work/msg"
  python3 -c "import struct,sys;d=open('$work/msg','rb').read();sys.stdout.buffer.write(b'\0'+struct.pack('>I',len(d))+d)" >"$4"
}
grpc_body nml/listings/v1/listings_service.proto nml.listings.v1.GetReviewRequest \
  'name: "reviews/2021"' "$work/review.grpc"
grpc_body nml/responses/v1/responses_service.proto nml.responses.v1.GetStakeholderRequest \
  'name: "stakeholders/tencent"' "$work/stakeholder.grpc"
grpc_body nml/responses/v1/responses_service.proto nml.responses.v1.ListResponsesRequest \
  'page_size: 100' "$work/list.grpc"
grpc=(-H 'content-type: application/grpc' -H 'te: trailers')

median() { sort -n -k3 "$1" | awk '{a[NR]=$3} END {print a[int((NR+1)/2)]}'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
per_call() { python3 -c "print(round(($2 - $1) * 1e6 / $(getconf CLK_TCK) / $n, 1))"; }
li_pid=$(pgrep -f 'services/listings/nml-listings' | head -1)
re_pid=$(pgrep -f 'services/responses/nml-responses' | head -1)

run() {  # label pid address path body
  local t0 t1
  t0=$(ticks "$2")
  h2load -n "$n" -c 1 -d "$5" "${grpc[@]}" --log-file="$work/log" \
    "http://$3/$4" | grep -qE "$n succeeded" || { echo "$1: calls failed" >&2; exit 1; }
  t1=$(ticks "$2")
  printf '%-36s p50 %6s us   CPU %6s us/call\n' "$1" "$(median "$work/log")" \
    "$(per_call "$t0" "$t1")"
}
echo "== concurrency 1, $n calls each"
run "listings GetReview (snapshot)" "$li_pid" "$listings" \
  nml.listings.v1.ListingsService/GetReview "$work/review.grpc"
run "responses GetStakeholder" "$re_pid" "$responses" \
  nml.responses.v1.ResponsesService/GetStakeholder "$work/stakeholder.grpc"
run "responses ListResponses (all, 1 page)" "$re_pid" "$responses" \
  nml.responses.v1.ResponsesService/ListResponses "$work/list.grpc"
