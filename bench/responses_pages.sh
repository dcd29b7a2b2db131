#!/usr/bin/env bash
# A ListResponses page (50 rows, the SQL nml-responses builds) for each
# filter field in the default order, at 10,000 and at 1,000,000 rows, side by
# side in one run: median of 20 executions each (after one warm-up), and the
# ratio. Starts a private PostgreSQL unless NML_PG_ADMIN_URL is set.
#   bench/responses_pages.sh            (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${NML_PG_ADMIN_URL:-}" ]]; then
  admin=$NML_PG_ADMIN_URL
else
  dir=$(mktemp -d /tmp/nml-pages-pg.XXXXXX)
  trap 'scripts/pg.sh stop "$dir"; rm -rf "$dir"' EXIT
  admin=$(scripts/pg.sh start "$dir" 27900)
fi

fill() {  # database rows
  local db=${admin%/*}/$1
  psql "$admin" -qc "DROP DATABASE IF EXISTS $1" -qc "CREATE DATABASE $1"
  NML_DATABASE_URL=$db build/services/responses/nml-responses --migrate-only 2>/dev/null
  psql "$db" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO stakeholders (id, display_name, type)
  SELECT 'stakeholder-' || i, 'Stakeholder ' || i, 1 + i % 6 FROM generate_series(1, 2000) i;
INSERT INTO responses (id, stakeholder_id, review_year, targets, stance, channel, summary,
                       source_url, stated_year, stated_month, stated_day)
  SELECT md5(i::text), 'stakeholder-' || (1 + i % 2000), 2011 + i % 15,
         ARRAY['markets/market-' || (i % 5000), 'reviews/' || (2011 + i % 15)],
         1 + i % 7, 1 + i % 5, 'Summary ' || i, 'https://example.org/' || i,
         -- stated a year after the review, as in the data: correlated
         2012 + i % 15, 1 + i % 12, 1 + i % 28
  FROM generate_series(1, $2) i;
VACUUM ANALYZE responses;
VACUUM ANALYZE stakeholders;
SQL
}
fill nml_pages_10k 10000
fill nml_pages_1m 1000000

cols="r.id, r.stakeholder_id, r.review_year, r.stance, r.summary, s.display_name, s.type, r.seq, r.stated_on_key"
from="FROM responses r JOIN stakeholders s ON s.id = r.stakeholder_id"
order="AND r.delete_time IS NULL ORDER BY r.stated_on_key, r.seq LIMIT 51"
median_ms() {  # database where
  local db=${admin%/*}/$1 sql="SELECT $cols $from WHERE ($2) $order"
  psql "$db" -qAt -c "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $sql" >/dev/null
  for _ in $(seq 1 20); do
    psql "$db" -qAt -c "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $sql" |
      awk '/Execution Time/ {print $3}'
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
printf '%-44s %10s %10s %7s\n' "filter (default order stated_on)" "10k ms" "1M ms" "ratio"
while IFS='|' read -r label where; do
  small=$(median_ms nml_pages_10k "$where")
  large=$(median_ms nml_pages_1m "$where")
  printf '%-44s %10s %10s %6.1fx\n' "$label" "$small" "$large" \
    "$(python3 -c "print($large / $small)")"
done <<'CASES'
none|TRUE
review_year = 2021|r.review_year = 2021
stakeholder = stakeholders/stakeholder-42|r.stakeholder_id = 'stakeholder-42'
stance = STANCE_WELCOMES|r.stance = 3
channel = CHANNEL_PRESS_STATEMENT|r.channel = 1
stakeholder_type = STAKEHOLDER_TYPE_GOVERNMENT|r.stakeholder_type = 1
targets:"markets/market-7"|r.targets @> ARRAY['markets/market-7'::text]
stated_on >= "2020"|r.stated_on_key >= '2020-00-00'
CASES
