#!/usr/bin/env bash
# A ListResponses page (50 rows, the SQL nml-responses builds) for each
# filter field in the default order, and filters with the other orders, at
# 10,000 and at 1,000,000 rows, side by side in one run: median of 20
# executions each (after one warm-up), and the ratio. Starts a private PostgreSQL unless NML_PG_ADMIN_URL is set.
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
# The page's SQL as nml-responses builds it (pg_responses_store.cc): a filter
# that requires one target ("target=markets/x; rest") reads response_targets
# in page order; any other reads responses.
page_sql() {  # where order(stated_on|review_year|create_time)
  local where=$1 order=$2 from alias seq key
  if [[ $where == target=* ]]; then
    local target=${where#target=}
    target=${target%%;*}
    where=${where#*; }  # the target term itself is written TRUE
    from="FROM response_targets t JOIN responses r ON r.seq = t.response_seq JOIN stakeholders s ON s.id = r.stakeholder_id WHERE t.target = '$target' AND"
    alias=t seq=t.response_seq
  else
    from="FROM responses r JOIN stakeholders s ON s.id = r.stakeholder_id WHERE"
    alias=r seq=r.seq
  fi
  case $order in
    stated_on) key="$alias.stated_on_key, " ;;
    review_year) key="$alias.review_year, " ;;
    create_time) key="" ;;
  esac
  echo "SELECT $cols $from ($where) AND r.delete_time IS NULL ORDER BY $key$seq LIMIT 51"
}
# As the services' connections are set up (common/pg/pool.cc).
setup="SET max_parallel_workers_per_gather = 0"
median_ms() {  # database where order
  local db=${admin%/*}/$1 sql
  sql=$(page_sql "$2" "$3")
  psql "$db" -qAt -c "$setup" -c "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $sql" >/dev/null
  for _ in $(seq 1 20); do
    psql "$db" -qAt -c "$setup" -c "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $sql" |
      awk '/Execution Time/ {print $3}'
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
printf '%-56s %10s %10s %7s\n' "filter, order" "10k ms" "1M ms" "ratio"
while IFS='|' read -r label order where; do
  small=$(median_ms nml_pages_10k "$where" "$order")
  large=$(median_ms nml_pages_1m "$where" "$order")
  printf '%-56s %10s %10s %6.1fx\n' "$label, $order" "$small" "$large" \
    "$(python3 -c "print($large / $small)")"
done <<'CASES'
none|stated_on|TRUE
review_year = 2021|stated_on|r.review_year = 2021
stakeholder = stakeholders/stakeholder-42|stated_on|r.stakeholder_id = 'stakeholder-42'
stance = STANCE_WELCOMES|stated_on|r.stance = 3
channel = CHANNEL_PRESS_STATEMENT|stated_on|r.channel = 1
stakeholder_type = STAKEHOLDER_TYPE_GOVERNMENT|stated_on|r.stakeholder_type = 1
targets:"markets/market-7"|stated_on|target=markets/market-7; TRUE
targets:"reviews/2021"|stated_on|target=reviews/2021; TRUE
targets:"reviews/2021" AND stance = STANCE_WELCOMES|stated_on|target=reviews/2021; TRUE AND r.stance = 3
stated_on >= "2020"|stated_on|r.stated_on_key >= '2020-00-00'
none|review_year|TRUE
review_year = 2021|review_year|r.review_year = 2021
stance = STANCE_WELCOMES|review_year|r.stance = 3
targets:"reviews/2021"|review_year|target=reviews/2021; TRUE
none|create_time|TRUE
stakeholder = stakeholders/stakeholder-42|create_time|r.stakeholder_id = 'stakeholder-42'
stance = STANCE_WELCOMES|create_time|r.stance = 3
targets:"reviews/2021"|create_time|target=reviews/2021; TRUE
CASES
