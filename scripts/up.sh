#!/usr/bin/env bash
# Runs the whole nml system on this machine: installs what is missing,
# builds, starts PostgreSQL (a private cluster unless databases are
# configured), starts nml-listings, nml-responses and nml-gateway in the
# background, loads data/, and prints how to call them.
#
# Configuration (all optional):
#   NML_LISTINGS_DATABASE_URL, NML_RESPONSES_DATABASE_URL  use these databases
#                              (otherwise a private cluster in $NML_STATE_DIR/pg)
#   NML_STATE_DIR              logs, pids, private cluster (default: .nml)
#   NML_LISTINGS_PORT, NML_RESPONSES_PORT, NML_GATEWAY_PORT  (50051, 50052, 50050)
#   NML_HTTP_PORT              the gateway's REST/JSON port (8080), /metrics too
#   NML_LISTINGS_METRICS_PORT, NML_RESPONSES_METRICS_PORT  Prometheus /metrics
#                              of the two backends (9101, 9102)
#   NML_BIND                   interface to listen on (default 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/bootstrap.sh
scripts/build.sh >/dev/null
bin="$root/${NML_BUILD_DIR:-build}"

state=${NML_STATE_DIR:-$root/.nml}
mkdir -p "$state/logs" "$state/run"
bind=${NML_BIND:-127.0.0.1}
listings_port=${NML_LISTINGS_PORT:-50051}
responses_port=${NML_RESPONSES_PORT:-50052}
gateway_port=${NML_GATEWAY_PORT:-50050}
http_port=${NML_HTTP_PORT:-8080}
listings_metrics_port=${NML_LISTINGS_METRICS_PORT:-9101}
responses_metrics_port=${NML_RESPONSES_METRICS_PORT:-9102}

# Stop what an earlier run started, keeping the database.
scripts/down.sh --keep-database >/dev/null

# A port something else holds would make a service fail to start while the
# other process answers its health checks: refuse at once, naming the port.
# Binding is the test, as the services bind: a listener holds a port, and so
# does a connection that took it as its local (ephemeral) port, which a
# connection check would miss (these defaults are inside Linux's ephemeral
# range, 32768-60999).
for port in "$listings_port" "$responses_port" "$gateway_port" "$http_port" \
  "$listings_metrics_port" "$responses_metrics_port"; do
  if ! python3 - "$bind" "$port" <<'PY'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((sys.argv[1], int(sys.argv[2])))
    except OSError:
        sys.exit(1)
PY
  then
    echo "up: port $port is in use (by a listening process, or as the local" \
      "port of an open connection, which frees it when it closes); stop it," \
      "retry in a minute, or choose other ports (NML_LISTINGS_PORT," \
      "NML_RESPONSES_PORT, NML_GATEWAY_PORT, NML_HTTP_PORT)" >&2
    exit 1
  fi
done

# ---------------------------------------------------------------- database
if [[ -n "${NML_LISTINGS_DATABASE_URL:-}" && -n "${NML_RESPONSES_DATABASE_URL:-}" ]]; then
  listings_db=$NML_LISTINGS_DATABASE_URL
  responses_db=$NML_RESPONSES_DATABASE_URL
  echo "up: using the configured databases"
else
  admin=$(scripts/pg.sh start "$state/pg" 55432)
  echo "up: private PostgreSQL at ${admin%/postgres} (data in $state/pg)"
  # One role and one database per service; no query ever crosses them.
  for svc in listings responses; do
    psql "$admin" -v ON_ERROR_STOP=1 -qtAc \
      "SELECT 1 FROM pg_roles WHERE rolname = 'nml_$svc'" | grep -q 1 ||
      psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE ROLE nml_$svc LOGIN"
    psql "$admin" -v ON_ERROR_STOP=1 -qtAc \
      "SELECT 1 FROM pg_database WHERE datname = 'nml_$svc'" | grep -q 1 ||
      psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE nml_$svc OWNER nml_$svc"
  done
  server=${admin#postgresql://postgres@}
  server=${server%/postgres}
  listings_db="postgresql://nml_listings@$server/nml_listings"
  responses_db="postgresql://nml_responses@$server/nml_responses"
fi

# ---------------------------------------------------------------- services
start() {  # name binary env...
  local name=$1 program=$2
  shift 2
  env "$@" nohup "$program" >>"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$state/run/$name.pid"
}

wait_serving() {  # name port
  local name=$1 port=$2
  for _ in $(seq 1 150); do
    if "$bin/tools/nml-health-check" -q --addr "127.0.0.1:$port" --timeout-ms 500; then
      echo "up: $name SERVING on $bind:$port"
      return 0
    fi
    if ! kill -0 "$(cat "$state/run/$name.pid")" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "up: $name did not become healthy; last lines of $state/logs/$name.log:" >&2
  tail -n 20 "$state/logs/$name.log" >&2
  exit 1
}

start listings "$bin/services/listings/nml-listings" \
  NML_LISTEN="$bind:$listings_port" NML_DATABASE_URL="$listings_db" \
  NML_METRICS_LISTEN="$bind:$listings_metrics_port"
start responses "$bin/services/responses/nml-responses" \
  NML_LISTEN="$bind:$responses_port" NML_DATABASE_URL="$responses_db" \
  NML_LISTINGS_ADDR="127.0.0.1:$listings_port" \
  NML_METRICS_LISTEN="$bind:$responses_metrics_port"
wait_serving listings "$listings_port"
wait_serving responses "$responses_port"
start gateway "$bin/services/gateway/nml-gateway" \
  NML_LISTEN="$bind:$gateway_port" NML_HTTP_LISTEN="$bind:$http_port" \
  NML_LISTINGS_ADDR="127.0.0.1:$listings_port" \
  NML_RESPONSES_ADDR="127.0.0.1:$responses_port"
wait_serving gateway "$gateway_port"

# ---------------------------------------------------------------- data
"$bin/tools/nmlctl" --addr "127.0.0.1:$listings_port" import data/
"$bin/tools/nmlctl" --responses-addr "127.0.0.1:$responses_port" \
  import-responses data/responses.csv

cat <<MSG

nml is running. Logs: $state/logs/   Stop: scripts/down.sh

In a browser: http://127.0.0.1:$http_port/   (reviews, market dossiers, history, screening, search)

REST/JSON through the gateway (OpenAPI: http://127.0.0.1:$http_port/openapi.json):
  curl -s http://127.0.0.1:$http_port/v1/reviews/2021:report
  curl -s http://127.0.0.1:$http_port/v1/markets/aliexpress:dossier
  curl -s 'http://127.0.0.1:$http_port/v1/reviews/2021/listings?filter=first_time%3Dtrue'
  curl -s -X POST http://127.0.0.1:$http_port/v1/domains:screen -d '{"items":[{"input":"https://www.aliexpress.com/item/1.html","options":{"reviewYear":2021}}]}'

The command line (gRPC):
  $bin/tools/nmlctl stats 2021
  $bin/tools/nmlctl diff 2020 2021
  $bin/tools/nmlctl screen --year 2021 https://www.aliexpress.com/item/1.html pan.baidu.com/s/x
  $bin/tools/nmlctl report 2021
  $bin/tools/nmlctl stances --year 2021

gRPC endpoints (server reflection on):
  listings   $bind:$listings_port   nml.listings.v1.ListingsService
  responses  $bind:$responses_port   nml.responses.v1.ResponsesService
  gateway    $bind:$gateway_port   nml.gateway.v1.GatewayService
Contracts: proto/nml/*/v1/*.proto
Prometheus metrics: http://$bind:$listings_metrics_port/metrics (listings),
  http://$bind:$responses_metrics_port/metrics (responses), http://$bind:$http_port/metrics (gateway)
MSG
