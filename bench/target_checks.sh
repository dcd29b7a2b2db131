#!/usr/bin/env bash
# CreateResponse with one target and with 50 (every target is checked with
# nml-listings before the write) at concurrency 1, against the system
# scripts/up.sh started with data/ loaded. NML_RESPONSES picks another
# nml-responses (to compare builds on the same databases). It writes 2 x N
# responses (summary "bench") into that database.
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
encode() {  # text out
  printf '%s' "$1" | protoc -I proto -I node_modules/google-proto-files \
    --encode=nml.responses.v1.CreateResponseRequest \
    nml/responses/v1/responses_service.proto >"$work/msg"
  python3 -c "import struct,sys;d=open('$work/msg','rb').read();sys.stdout.buffer.write(b'\0'+struct.pack('>I',len(d))+d)" >"$2"
}
base='stakeholder: "stakeholders/tencent" review_year: 2021 stance: STANCE_DISAGREES summary: "bench" source_url: "https://example.org/bench"'
encode "response { $base targets: \"markets/aliexpress\" }" "$work/one"
encode "response { $base $markets }" "$work/fifty"
for body in one fifty; do
  h2load -n "$n" -c 1 -d "$work/$body" -H 'content-type: application/grpc' \
    -H 'te: trailers' --log-file="$work/log" \
    "http://$responses/nml.responses.v1.ResponsesService/CreateResponse" |
    grep -qE "$n succeeded" || { echo "$body: calls failed" >&2; exit 1; }
  echo "CreateResponse, $body target(s): p50 $(sort -n -k3 "$work/log" |
    awk '{a[NR]=$3} END {print a[int((NR+1)/2)]}') us"
done
