#!/usr/bin/env bash
# A private Docker engine for the container tests and for trying nml's
# images on a machine without one, in a directory of its own:
#
#   scripts/docker.sh start DIR   start dockerd; prints the DOCKER_HOST to use
#   scripts/docker.sh base DIR    make debian:bookworm and debian:bookworm-slim
#                                 with debootstrap, once (cached in DIR/..)
#   scripts/docker.sh stop DIR    stop that dockerd (by its recorded pid)
#
# The engine is Debian's docker.io, started as root with its own data root
# and socket, the vfs storage driver (works on any file system, inside
# another container too), no default bridge and no iptables rules: it
# touches nothing of the host's networking. Containers run on
# `--network host` or on networks nml creates `internal` (names resolve
# between containers; nothing routes out).
#
# The base images stand in for a registry pull only: `debootstrap` builds
# Debian 12 from the machine's apt mirror, and `docker import` tags it with
# the names the Dockerfiles use; both names are one root file system, slim
# as the official -slim (no documentation, manuals or translations). Where
# the registry answers, a plain `docker pull debian:bookworm` gives the same
# system.
set -euo pipefail

die() { echo "docker.sh: $*" >&2; exit 1; }

cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: docker.sh start|base|stop DIR"
[[ $(id -u) -eq 0 ]] || die "dockerd runs as root here"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock="$dir/docker.sock"
export DOCKER_HOST="unix://$sock"

running() {
  [[ -f "$dir/dockerd.pid" ]] && kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null
}

case "$cmd" in
  start)
    command -v dockerd >/dev/null && command -v debootstrap >/dev/null ||
      die "docker.io and debootstrap are missing: run scripts/bootstrap.sh"
    if ! running; then
      # The client of the same package: a newer docker CLI on PATH may speak
      # an API version this dockerd does not.
      dockerd --data-root "$dir/root" --exec-root "$dir/exec" \
        --pidfile "$dir/dockerd.pid" -H "$DOCKER_HOST" \
        --storage-driver=vfs --bridge=none --iptables=false --ip-masq=false \
        >"$dir/dockerd.log" 2>&1 &
      for _ in $(seq 1 300); do
        /usr/bin/docker info >/dev/null 2>&1 && break
        sleep 0.2
      done
      /usr/bin/docker info >/dev/null 2>&1 ||
        { tail -n 20 "$dir/dockerd.log" >&2; die "dockerd did not start"; }
    fi
    echo "$DOCKER_HOST"
    ;;
  base)
    running || die "no dockerd in $dir: scripts/docker.sh start $dir first"
    # Made again when this recipe changes (the label below).
    recipe=2
    if [[ $(/usr/bin/docker image inspect -f '{{index .Config.Labels "nml.base"}}' \
        debian:bookworm-slim 2>/dev/null) != "$recipe" ]]; then
      cache="$(dirname "$dir")/debian-bookworm-minbase-$recipe.tar"
      if [[ ! -s "$cache" ]]; then
        mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
        rm -rf "$dir/rootfs"
        debootstrap --variant=minbase bookworm "$dir/rootfs" "${mirror:-http://deb.debian.org/debian}" \
          >"$dir/debootstrap.log" 2>&1 ||
          { tail -n 20 "$dir/debootstrap.log" >&2; die "debootstrap failed"; }
        # The apt sources of the host (same mirror and security suite), no
        # package lists or caches, and what the official -slim images leave
        # out (documentation, manuals, translations), now and for every
        # package installed later.
        cp /etc/apt/sources.list.d/debian.sources "$dir/rootfs/etc/apt/sources.list.d/" 2>/dev/null &&
          rm -f "$dir/rootfs/etc/apt/sources.list" || true
        cat >"$dir/rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
CFG
        find "$dir/rootfs/usr/share/doc" -type f ! -name copyright -delete
        rm -rf "$dir/rootfs/usr/share/man/"* "$dir/rootfs/usr/share/info/"* \
          "$dir/rootfs/usr/share/locale/"* "$dir/rootfs/var/lib/apt/lists/"* \
          "$dir/rootfs/var/cache/apt/"*.bin
        tar -C "$dir/rootfs" -cf "$cache.part" . && mv "$cache.part" "$cache"
        rm -rf "$dir/rootfs"
      fi
      /usr/bin/docker import --change "LABEL nml.base=$recipe" "$cache" debian:bookworm >/dev/null
      /usr/bin/docker tag debian:bookworm debian:bookworm-slim
    fi
    echo "debian:bookworm debian:bookworm-slim"
    ;;
  stop)
    if running; then
      pid=$(cat "$dir/dockerd.pid")
      kill "$pid"
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    ;;
  *) die "unknown command '$cmd'" ;;
esac
