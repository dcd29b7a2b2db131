#!/usr/bin/env bash
# Runs every nml test: installs what is missing, builds warning-free, lints
# the contracts with buf, starts a private PostgreSQL for the database tests,
# and runs the unit and integration tests with ctest; then all of them again
# under AddressSanitizer and UndefinedBehaviorSanitizer, and each fuzz
# target for a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/bootstrap.sh
scripts/build.sh

echo "== clang-format (Google style)"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
echo "clang-format: ok"
unformatted=$(gofmt -l clients/go)
[[ -z "$unformatted" ]] || { echo "gofmt: not formatted: $unformatted"; exit 1; }
echo "gofmt: ok"

echo "== buf lint (STANDARD)"
node_modules/.bin/buf lint proto
echo "buf lint: ok"
echo "== contracts (buf breaking, WIRE_JSON, against proto/v1.image.binpb)"
scripts/contracts.sh check

pgdir=$(mktemp -d /tmp/nml-test-pg.XXXXXX)
cleanup() { "$root/scripts/pg.sh" stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
NML_TEST_DATABASE_URL=$(scripts/pg.sh start "$pgdir" 26432)
export NML_TEST_DATABASE_URL
echo "== test database: $NML_TEST_DATABASE_URL"

echo "== ctest"
ctest --test-dir "${NML_BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600

# The images as shipped, in compose on a private Docker engine
# (scripts/docker.sh). Not inside the Dockerfile's own test run, which has
# no engine (NML_SKIP_CONTAINERS=1 there).
if [[ "${NML_SKIP_CONTAINERS:-0}" != 1 ]]; then
  echo "== containers (tests/deploy/containers_test.sh)"
  tests/deploy/containers_test.sh
fi

# The same tests again in the sanitizer build (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer: any report fails the test), then each fuzz
# target briefly from its seeds, so CI catches a regression in a parser.
# NML_SKIP_SANITIZE=1 leaves both out of a quick local run; CI never sets it.
if [[ "${NML_SKIP_SANITIZE:-0}" != 1 ]]; then
  echo "== sanitizer build (ASan + UBSan)"
  NML_SANITIZE=1 NML_BUILD_DIR=build-sanitize scripts/build.sh
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  echo "== ctest (sanitizers)"
  ctest --test-dir build-sanitize --output-on-failure -j2 --timeout 900
  echo "== fuzz (each target briefly; scripts/fuzz.sh SECONDS for longer)"
  scripts/fuzz.sh "${NML_FUZZ_SECONDS:-10}"
fi
