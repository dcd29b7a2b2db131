#!/usr/bin/env bash
# Runs every nml test: installs what is missing, builds warning-free, lints
# the contracts with buf, starts a private PostgreSQL for the database tests,
# and runs the unit and integration tests with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/bootstrap.sh
scripts/build.sh

echo "== clang-format (Google style)"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
echo "clang-format: ok"

echo "== buf lint (STANDARD)"
node_modules/.bin/buf lint proto
echo "buf lint: ok"

pgdir=$(mktemp -d /tmp/nml-test-pg.XXXXXX)
cleanup() { "$root/scripts/pg.sh" stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
NML_TEST_DATABASE_URL=$(scripts/pg.sh start "$pgdir" 26432)
export NML_TEST_DATABASE_URL
echo "== test database: $NML_TEST_DATABASE_URL"

echo "== ctest"
ctest --test-dir "${NML_BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600
