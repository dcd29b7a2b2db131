#!/usr/bin/env bash
# Query plans of nml-responses' list queries on a 1,000,000-row responses
# table: shows that keyset pagination and the indexes keep a page cheap as
# the table grows. Starts a private PostgreSQL unless NML_PG_ADMIN_URL is set.
#
#   bench/responses_plan.sh            (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}

if [[ -n "${NML_PG_ADMIN_URL:-}" ]]; then
  admin=$NML_PG_ADMIN_URL
else
  dir=$(mktemp -d /tmp/nml-plan-pg.XXXXXX)
  trap 'scripts/pg.sh stop "$dir"; rm -rf "$dir"' EXIT
  admin=$(scripts/pg.sh start "$dir" 57900)
fi
db=${admin%/*}/nml_plan
psql "$admin" -qc "DROP DATABASE IF EXISTS nml_plan" -qc "CREATE DATABASE nml_plan"
NML_DATABASE_URL=$db build/services/responses/nml-responses --migrate-only 2>/dev/null

psql "$db" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO stakeholders (id, display_name, type)
  SELECT 'stakeholder-' || i, 'Stakeholder ' || i, 1 + i % 6 FROM generate_series(1, 2000) i;
INSERT INTO responses (id, stakeholder_id, review_year, targets, stance, summary, source_url,
                       stated_year, stated_month, stated_day)
  SELECT md5(i::text), 'stakeholder-' || (1 + i % 2000), 2011 + i % 15,
         ARRAY['markets/market-' || (i % 5000), 'reviews/' || (2011 + i % 15)],
         1 + i % 7, 'Summary ' || i, 'https://example.org/' || i,
         2012 + i % 15, 1 + i % 12, 1 + i % 28
  FROM generate_series(1, $rows) i;
VACUUM ANALYZE responses;
VACUUM ANALYZE stakeholders;
SQL

cols="r.id, r.stakeholder_id, r.review_year, r.stance, r.summary, s.display_name, s.type, r.seq, r.stated_on_key"
from="FROM responses r JOIN stakeholders s ON s.id = r.stakeholder_id"
explain() {
  echo
  echo "-- $1"
  psql "$db" -qAt -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2"
}
explain "first page, default order (stated_on)" \
  "SELECT $cols $from WHERE TRUE AND r.delete_time IS NULL ORDER BY r.stated_on_key, r.seq LIMIT 51"
explain "a page deep in the table (keyset cursor)" \
  "SELECT $cols $from WHERE TRUE AND r.delete_time IS NULL AND (r.stated_on_key, r.seq) > ('2020-06-15', 700000) ORDER BY r.stated_on_key, r.seq LIMIT 51"
explain "filter stakeholder, creation order" \
  "SELECT $cols $from WHERE (r.stakeholder_id = 'stakeholder-42') AND r.delete_time IS NULL ORDER BY r.seq LIMIT 51"
explain "filter targets:\"markets/market-7\"" \
  "SELECT $cols $from WHERE (r.targets @> ARRAY['markets/market-7'::text]) AND r.delete_time IS NULL ORDER BY r.stated_on_key, r.seq LIMIT 51"
explain "filter review_year = 2021, order review_year" \
  "SELECT $cols $from WHERE (r.review_year = 2021) AND r.delete_time IS NULL ORDER BY r.review_year, r.seq LIMIT 51"
