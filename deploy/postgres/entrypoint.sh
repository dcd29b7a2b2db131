#!/bin/bash
# The official postgres image's start-up contract, on Debian's
# postgresql-15: on an empty $PGDATA, initdb with POSTGRES_USER and
# POSTGRES_PASSWORD, run /docker-entrypoint-initdb.d/*.sh and *.sql on a
# server that listens only on its socket, then serve on every address.
set -euo pipefail
[[ "${1:-}" == postgres ]] && shift
user=${POSTGRES_USER:-postgres}
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (the superuser password)}"
  initdb -D "$PGDATA" -U "$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  export PGUSER=$user POSTGRES_USER=$user
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "nml-postgres: running $f"; bash "$f" ;;
      *.sql) echo "nml-postgres: running $f"; psql -v ON_ERROR_STOP=1 -d postgres -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
