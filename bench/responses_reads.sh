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

source bench/lib.sh
grpc_frame "$work/review.grpc" nml.listings.v1.GetReviewRequest 'name: "reviews/2021"'
grpc_frame "$work/stakeholder.grpc" nml.responses.v1.GetStakeholderRequest \
  'name: "stakeholders/tencent"'
grpc_frame "$work/list.grpc" nml.responses.v1.ListResponsesRequest 'page_size: 100'

li_pid=$(service_pid listings)
re_pid=$(service_pid responses)

echo "== concurrency 1, $n calls each"
time_c1 "listings GetReview (snapshot)" "$li_pid" \
  "http://$listings/nml.listings.v1.ListingsService/GetReview" "$work/review.grpc"
time_c1 "responses GetStakeholder" "$re_pid" \
  "http://$responses/nml.responses.v1.ResponsesService/GetStakeholder" \
  "$work/stakeholder.grpc"
time_c1 "responses ListResponses (all, 1 page)" "$re_pid" \
  "http://$responses/nml.responses.v1.ResponsesService/ListResponses" \
  "$work/list.grpc"
