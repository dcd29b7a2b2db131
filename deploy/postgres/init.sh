#!/bin/bash
# Run once by the postgres image on an empty volume: one role and one
# database per service (no query ever crosses them). Passwords come from
# the environment the compose file passes.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v listings_password="$NML_LISTINGS_DB_PASSWORD" \
  -v responses_password="$NML_RESPONSES_DB_PASSWORD" <<'SQL'
CREATE ROLE nml_listings LOGIN PASSWORD :'listings_password';
CREATE ROLE nml_responses LOGIN PASSWORD :'responses_password';
CREATE DATABASE nml_listings OWNER nml_listings;
CREATE DATABASE nml_responses OWNER nml_responses;
SQL
