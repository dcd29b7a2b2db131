#!/usr/bin/env bash
# The web view against the system scripts/up.sh started (with data/ loaded),
# each measure beside a reference in the same run:
#   1. The gateway serving a page's files from memory vs /healthz (the
#      cheapest answer it has): p50 at concurrency 1 and throughput, and a
#      revalidation (If-None-Match -> 304) vs the full file.
#   2. Each page in headless chromium (bench/web_loads.mjs): median time to
#      the shell and modules (DOMContentLoaded) vs to the page showing its
#      data, over 11 loads.
# Needs h2load (nghttp2-client) and chromium. Every loop is bounded by -n.
set -euo pipefail
cd "$(dirname "$0")/.."
http=${NML_HTTP:-127.0.0.1:8080}
n=${N:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source bench/lib.sh

rps() { grep -oE 'finished in [^,]+, [0-9.]+ req/s' | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1; }
etag=$(curl -sI "http://$http/assets/app.js" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')

echo "== files from memory vs /healthz ($n requests each, HTTP/1.1 keep-alive)"
printf '%-34s %10s %12s\n' "" "p50 c=1" "req/s c=16"
for target in /healthz /reviews/2021 /assets/app.js /assets/vendor/uPlot.esm.js "/assets/app.js 304"; do
  path=${target% 304}
  headers=()
  [[ "$target" == *304 ]] && headers=(-H "if-none-match: $etag")
  h2load --h1 -n 2000 -c 1 "${headers[@]}" --log-file="$work/c1.log" "http://$http$path" >/dev/null
  r=$(h2load --h1 -n "$n" -c 16 "${headers[@]}" "http://$http$path" | rps)
  printf '%-34s %7s us %12s\n' "$target" "$(median "$work/c1.log")" "$r"
done

echo "== page loads in chromium (median of 11)"
NML_WEB_URL="http://$http" node bench/web_loads.mjs
