#!/usr/bin/env bash
# Imports against bulk loading, side by side in one run: ROWS synthetic
# markets rows (bench/gen_imports.py) imported with nmlctl into a fresh
# nml-listings, the next year's list reconciling to them, and ROWS responses
# into a fresh nml-responses; the reference is `psql \copy` of the same files
# into bare tables of the same PostgreSQL. Prints seconds, rows/s and the
# ratio to \copy.
#   bench/imports.sh                    (build first: scripts/build.sh)
#   ROWS=5000 NML_BUILD_DIR=other-build bench/imports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-20000}
bin=${NML_BUILD_DIR:-build}
work=$(mktemp -d /tmp/nml-imports.XXXXXX)
pgdir=$(mktemp -d /tmp/nml-imports-pg.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -z "${NML_PG_ADMIN_URL:-}" ]]; then scripts/pg.sh stop "$pgdir" || true; fi
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT
if [[ -n "${NML_PG_ADMIN_URL:-}" ]]; then
  admin=$NML_PG_ADMIN_URL
else
  admin=$(scripts/pg.sh start "$pgdir" 27920)
fi
export PGOPTIONS=--client-min-messages=warning
for db in nml_bench_listings nml_bench_responses nml_bench_copy nml_bench_floor; do
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db"
done
server=${admin%/*}

python3 bench/gen_imports.py "$work/files" "$rows"

# ---------------------------------------------------------------- services
source bench/lib.sh
# 16 MiB messages: the 20,000 responses' answer (each response as stored)
# is 4.7 MB, over the 4 MiB default.
start_service "$work/services.log" "$bin" "$bin/services/listings/nml-listings" \
  27921 NML_MAX_MESSAGE_BYTES=16777216 NML_DATABASE_URL="$server/nml_bench_listings"
start_service "$work/services.log" "$bin" "$bin/services/responses/nml-responses" \
  27922 NML_MAX_MESSAGE_BYTES=16777216 \
  NML_DATABASE_URL="$server/nml_bench_responses" NML_LISTINGS_ADDR=127.0.0.1:27921

now() { date +%s.%N; }
seconds() { python3 -c "print(f'{$2 - $1:.4f}')"; }
report() {  # label rows seconds reference_seconds
  awk -v label="$1" -v rows="$2" -v s="$3" -v ref="$4" 'BEGIN {
    printf "%-44s %8.3f s %9.0f rows/s %6.1f%% of \\copy\n", label, s, rows / s, 100 * ref / s }'
}

# ---------------------------------------------------------------- reference
copy_db="$server/nml_bench_copy"
psql "$copy_db" -qc "CREATE TABLE markets (year int, name text, kind text,
  country text, city text, operator text, infringement text,
  first_listed_year text, domains text, source_url text, confidence text)" \
  -qc "CREATE TABLE responses (year int, stakeholder text,
  stakeholder_type text, target_market text, stance text, paraphrase text,
  date text, source_url text)"
t0=$(now)
psql "$copy_db" -qc "\\copy markets FROM '$work/files/y1/markets.csv' CSV HEADER"
t1=$(now)
psql "$copy_db" -qc "\\copy responses FROM '$work/files/responses.csv' CSV HEADER"
t2=$(now)
copy_markets=$(seconds "$t0" "$t1")
copy_responses=$(seconds "$t1" "$t2")

# The floor any import into nml's schema has: the same year's rows as
# nml stores them (markets, their domains, listings), copied into nml's own
# tables with their keys, foreign keys and checks, in one transaction.
floor_db="$server/nml_bench_floor"
NML_DATABASE_URL=$floor_db "$bin/services/listings/nml-listings" --migrate-only \
  >>"$work/services.log" 2>&1
python3 - "$work/files/y1/markets.csv" "$work" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
slug = lambda s: re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
with open(f"{sys.argv[2]}/floor_markets.tsv", "w") as m, \
     open(f"{sys.argv[2]}/floor_domains.tsv", "w") as d, \
     open(f"{sys.argv[2]}/floor_listings.tsv", "w") as l:
    for r in rows:
        kind = 1 if r["kind"] == "online" else 2
        m.write(f"{slug(r['name'])}\t{r['name']}\t{kind}\tCN\t{r['city']}\n")
        for domain in filter(None, r["domains"].split(";")):
            d.write(f"{domain}\t{slug(r['name'])}\t1\n")
        l.write(f"{r['year']}\t{slug(r['name'])}\t{{1}}\t{r['source_url']}\n")
PY
year=$(sed -n 2p "$work/files/y1/markets.csv" | cut -d, -f1)
psql "$floor_db" -qc "INSERT INTO reviews (year) VALUES ($year)"
t0=$(now)
psql "$floor_db" -v ON_ERROR_STOP=1 -q -c "BEGIN" \
  -c "\\copy markets (id, display_name, kind, country_code, city) FROM '$work/floor_markets.tsv'" \
  -c "\\copy market_domains (pattern, market_id, scope) FROM '$work/floor_domains.tsv'" \
  -c "\\copy listings (year, market_id, infringement_types, source_url) FROM '$work/floor_listings.tsv'" \
  -c "COMMIT"
t1=$(now)
copy_floor=$(seconds "$t0" "$t1")

# ---------------------------------------------------------------- nml
# A generous deadline: this measures time, not the default timeouts.
ctl=("$bin/tools/nmlctl" --addr 127.0.0.1:27921 --responses-addr 127.0.0.1:27922
  --timeout 600000)
import_year() {  # dir
  "${ctl[@]}" import --markets "$1/markets.csv" \
    --review-counts "$1/review_counts.csv" >"$work/out.txt" ||
    { cat "$work/out.txt" >&2; exit 1; }
}
# Where the time goes: the CPU each server spends on each import.
cpu() { ticks "${pids[0]}"; ticks "${pids[1]}"; }
cpu_seconds() {  # "before" "after" (as cpu prints them)
  python3 -c "import sys; b, a = [list(map(int, s.split())) for s in sys.argv[1:]]
t = $(getconf CLK_TCK); print(f'CPU: nml-listings {(a[0] - b[0]) / t:.2f} s, nml-responses {(a[1] - b[1]) / t:.2f} s')" "$1" "$2"
}
c0=$(cpu) t0=$(now)
import_year "$work/files/y1"
c1=$(cpu) t1=$(now)
import_year "$work/files/y2"
c2=$(cpu) t2=$(now)
"${ctl[@]}" import-responses "$work/files/responses.csv" >"$work/out.txt" ||
  { cat "$work/out.txt" >&2; exit 1; }
c3=$(cpu) t3=$(now)
tail -n 1 "$work/out.txt"
y2_rows=$(($(wc -l <"$work/files/y2/markets.csv") - 1))

echo "$rows rows, PostgreSQL $(psql "$admin" -qAtc 'SHOW server_version')"
report "psql \\copy markets.csv (reference)" "$rows" "$copy_markets" "$copy_markets"
report "\\copy into nml's tables (constraints kept)" "$rows" "$copy_floor" "$copy_markets"
report "nmlctl import, a new year" "$rows" "$(seconds "$t0" "$t1")" "$copy_markets"
echo "    $(cpu_seconds "$c0" "$c1")"
report "nmlctl import, the next year (reconciling)" "$y2_rows" "$(seconds "$t1" "$t2")" "$copy_markets"
echo "    $(cpu_seconds "$c1" "$c2")"
report "psql \\copy responses.csv (reference)" "$rows" "$copy_responses" "$copy_responses"
report "nmlctl import-responses" "$rows" "$(seconds "$t2" "$t3")" "$copy_responses"
echo "    $(cpu_seconds "$c2" "$c3")"
