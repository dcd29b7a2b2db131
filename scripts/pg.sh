#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, in a directory of
# its own, listening on 127.0.0.1 only.
#
#   scripts/pg.sh start DIR [PORT]   create (first time) and start; prints the superuser URL
#   scripts/pg.sh standby DIR PRIMARY_URL [PORT]
#                                    a hot standby of PRIMARY_URL: copied with
#                                    pg_basebackup (first time), then streaming
#                                    replication; started as `start` does
#   scripts/pg.sh stop DIR [MODE]    shutdown: fast (default) or immediate (as a crash)
#   scripts/pg.sh url DIR            the superuser URL of a started cluster
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# 'postgres' system user that Debian's postgresql package creates.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -x "$dir/initdb" ]] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
  echo "$dir"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The first port from $1 that PostgreSQL can bind: free of listeners and of
# client sockets that took it as their ephemeral port.
free_port() {
  python3 - "${1:-55432}" <<'PY'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        # As PostgreSQL binds: a server's own TIME-WAIT sockets from before a
        # restart do not count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            break
        except OSError:
            port += 1
print(port)
PY
}

cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: pg.sh start|stop|url DIR [PORT]"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
bin=$(bindir)

# Starts the cluster in $data (unless it runs) on the first free port from
# $1 and prints its superuser URL.
run() {
  if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    cat "$dir/url"
    exit 0
  fi
  port=$(free_port "$1")
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgresql.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" \
    >/dev/null || { tail -n 20 "$dir/postgresql.log" >&2; die "postgres did not start"; }
  echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$dir/url"
  cat "$dir/url"
}

case "$cmd" in
  start)
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    run "${3:-55432}"
    ;;
  standby)
    primary=${3:-}
    [[ -n "$primary" ]] || die "usage: pg.sh standby DIR PRIMARY_URL [PORT]"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
      # -R writes standby.signal and primary_conninfo; -X stream copies the
      # WAL written meanwhile. initdb's pg_hba.conf trusts replication
      # connections from 127.0.0.1.
      as_owner "$bin/pg_basebackup" -d "$primary" -D "$data" -R -X stream \
        -c fast >"$dir/basebackup.log" 2>&1 \
        || { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
    fi
    run "${4:-55432}"
    ;;
  stop)
    if [[ -f "$data/PG_VERSION" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      # "immediate" as a third argument: no checkpoint, as a crash would.
      as_owner "$bin/pg_ctl" -D "$data" -m "${3:-fast}" -w stop >/dev/null
    fi
    ;;
  url)
    [[ -f "$dir/url" ]] || die "no cluster started in $dir"
    cat "$dir/url"
    ;;
  *) die "unknown command '$cmd'" ;;
esac
