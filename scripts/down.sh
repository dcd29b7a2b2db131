#!/usr/bin/env bash
# Stops what scripts/up.sh started: the three services (SIGTERM, then a
# graceful wait) and, unless --keep-database, the private PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
state=${NML_STATE_DIR:-$(pwd)/.nml}

for name in gateway responses listings; do
  pidfile="$state/run/$name.pid"
  [[ -f "$pidfile" ]] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    echo "down: stopped $name"
  fi
  rm -f "$pidfile"
done

if [[ "${1:-}" != "--keep-database" && -d "$state/pg" ]]; then
  scripts/pg.sh stop "$state/pg"
  echo "down: stopped the private PostgreSQL"
fi
