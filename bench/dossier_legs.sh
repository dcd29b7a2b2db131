#!/usr/bin/env bash
# GetMarketDossier through the gateway next to each of its legs called
# directly, in one run, against the system scripts/up.sh started (with data/
# loaded): the median at concurrency 1 and the serving process's CPU per
# call. The legs run in parallel, so the goal is the dossier's median within
# 1.2x of its slowest leg's.
#   scripts/up.sh && bench/dossier_legs.sh
# Needs h2load (nghttp2-client) and protoc. Every loop is bounded by -n.
set -euo pipefail
cd "$(dirname "$0")/.."
listings=${NML_LISTINGS:-127.0.0.1:50051}
responses=${NML_RESPONSES:-127.0.0.1:50052}
gateway=${NML_GATEWAY:-127.0.0.1:50050}
market=${MARKET:-markets/aliexpress}
n=${N:-3000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source bench/lib.sh
grpc_frame "$work/dossier.grpc" nml.gateway.v1.GetMarketDossierRequest \
  "market: \"$market\""
grpc_frame "$work/history.grpc" nml.listings.v1.GetMarketHistoryRequest \
  "market: \"$market\""
grpc_frame "$work/list.grpc" nml.responses.v1.ListResponsesRequest \
  "filter: 'targets:\"$market\"' page_size: 1000"
grpc_frame "$work/stances.grpc" nml.responses.v1.SummarizeStancesRequest \
  "target: \"$market\""

li_pid=$(service_pid listings)
re_pid=$(service_pid responses)
gw_pid=$(service_pid gateway)

echo "== $market, concurrency 1, $n calls each"
time_c1 "gateway GetMarketDossier" "$gw_pid" \
  "http://$gateway/nml.gateway.v1.GatewayService/GetMarketDossier" "$work/dossier.grpc"
time_c1 "leg: listings GetMarketHistory" "$li_pid" \
  "http://$listings/nml.listings.v1.ListingsService/GetMarketHistory" "$work/history.grpc"
time_c1 "leg: responses ListResponses (targets)" "$re_pid" \
  "http://$responses/nml.responses.v1.ResponsesService/ListResponses" "$work/list.grpc"
time_c1 "leg: responses SummarizeStances" "$re_pid" \
  "http://$responses/nml.responses.v1.ResponsesService/SummarizeStances" "$work/stances.grpc"
