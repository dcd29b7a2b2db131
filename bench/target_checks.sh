#!/usr/bin/env bash
# CreateResponse with one target and with 50 (every target is checked with
# nml-listings before the write) at concurrency 1, against the system
# scripts/up.sh started with data/ loaded. NML_RESPONSES picks another
# nml-responses (to compare builds on the same databases). Each body carries
# a request id, so the first call writes one response and the others replay
# it: every call still checks its targets, and the data grows by two rows.
# Needs h2load (nghttp2-client), protoc and curl. Every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
responses=${NML_RESPONSES:-127.0.0.1:50052}
http=${NML_HTTP:-127.0.0.1:8080}
n=${N:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
markets=$(curl -sf "http://$http/v1/markets?pageSize=50" | python3 -c \
  "import json,sys; print(' '.join('targets: \"%s\"' % m['name'] for m in json.load(sys.stdin)['markets']))")
source bench/lib.sh
base='stakeholder: "stakeholders/tencent" review_year: 2021 stance: STANCE_DISAGREES summary: "bench" source_url: "https://example.org/bench"'
run_id=$(date +%s%N)
grpc_frame "$work/one" nml.responses.v1.CreateResponseRequest \
  "request_id: \"bench-one-$run_id\" response { $base targets: \"markets/aliexpress\" }"
grpc_frame "$work/fifty" nml.responses.v1.CreateResponseRequest \
  "request_id: \"bench-fifty-$run_id\" response { $base $markets }"
for body in one fifty; do
  h2load -n "$n" -c 1 -d "$work/$body" "${grpc_headers[@]}" --log-file="$work/log" \
    "http://$responses/nml.responses.v1.ResponsesService/CreateResponse" |
    grep -qE "$n succeeded" || { echo "$body: calls failed" >&2; exit 1; }
  echo "CreateResponse, $body target(s): p50 $(median "$work/log") us"
done
