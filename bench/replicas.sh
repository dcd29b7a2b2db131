#!/usr/bin/env bash
# nml-listings replicas, in one run, against the system scripts/up.sh
# started (data/ loaded): two more replicas on its database, then
#  - freshness lag: a write on one replica until every replica serves it
#    (bench/freshness.cc), p50 and p99, the writer's own replica as the
#    reference;
#  - reads through the gateway over 1, 2 and 3 replicas: one gateway each,
#    GET /v1/reviews/2021 with h2load over HTTP/1.1 (-c 16), ROUNDS times in
#    turn; the ratio is to 1 replica.
# Goal (issue 28): no loss from adding replicas on this machine. Every loop is
# bounded (-n, ROUNDS, --writes).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${NML_BUILD_DIR:-build}
n=${N:-20000}
rounds=${ROUNDS:-3}
state=${NML_STATE_DIR:-.nml}
# up.sh's listings database, unless given.
if [[ -z "${NML_LISTINGS_DATABASE_URL:-}" ]]; then
  admin=$(scripts/pg.sh url "$state/pg")
  server=${admin#postgresql://postgres@}
  NML_LISTINGS_DATABASE_URL="postgresql://nml_listings@${server%/postgres}/nml_listings"
fi
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

start() {  # log binary env...
  local log=$1 program=$2
  shift 2
  env "$@" "$program" >"$work/$log.log" 2>&1 &
  pids+=($!)
}
serving() {  # port
  for _ in $(seq 1 150); do
    "$bin/tools/nml-health-check" -q --addr "127.0.0.1:$1" --timeout-ms 500 && return 0
    sleep 0.2
  done
  echo "replicas: nothing SERVING on $1" >&2
  exit 1
}

replicas=(127.0.0.1:50051)
for port in 50061 50062; do
  start "listings-$port" "$bin/services/listings/nml-listings" \
    NML_LISTEN="127.0.0.1:$port" NML_DATABASE_URL="$NML_LISTINGS_DATABASE_URL"
  replicas+=("127.0.0.1:$port")
done
for port in 50061 50062; do serving "$port"; done

echo "## Freshness lag"
args=()
for r in "${replicas[@]}"; do args+=(--replica "$r"); done
"$bin/bench/freshness" "${args[@]}" --writes "${WRITES:-300}"

echo
echo "## Reads through the gateway over 1, 2 and 3 replicas"
for k in 1 2 3; do
  target=$(IFS=,; echo "${replicas[*]:0:$k}")
  [[ $k -gt 1 ]] && target="ipv4:$target"
  start "gateway-$k" "$bin/services/gateway/nml-gateway" \
    NML_LISTEN="127.0.0.1:$((50070 + k))" NML_HTTP_LISTEN="127.0.0.1:$((8090 + k))" \
    NML_LISTINGS_ADDR="$target" NML_RESPONSES_ADDR=127.0.0.1:50052
  serving $((50070 + k))
done
rps() { grep -oE 'finished in [^,]+, [0-9.]+ req/s' | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1; }
echo "| round | 1 replica req/s | 2 replicas req/s | 3 replicas req/s | 2/1 | 3/1 |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  r=()
  for k in 1 2 3; do
    out=$(h2load --h1 -n "$n" -c 16 "http://127.0.0.1:$((8090 + k))/v1/reviews/2021")
    grep -qE "$n succeeded" <<<"$out" || { echo "replicas: requests failed" >&2; exit 1; }
    r+=("$(rps <<<"$out")")
  done
  echo "| $round | ${r[0]} | ${r[1]} | ${r[2]} | $(python3 -c "print(f'{${r[1]}/${r[0]}:.2f}')") | $(python3 -c "print(f'{${r[2]}/${r[0]}:.2f}')") |"
done
