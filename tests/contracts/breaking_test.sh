#!/usr/bin/env bash
# scripts/contracts.sh on scratch copies of proto/: an addition passes, and a
# renamed field, a reused number, a changed type and a removed field without
# `reserved` each fail, naming what broke.
#   tests/contracts/breaking_test.sh <repository root>
set -uo pipefail
root=$(cd "$1" && pwd)
scratch=$(mktemp -d /tmp/nml-contracts-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failures=0

# A fresh copy of the contracts, changed by the sed expression $2 on $1.
copy() {
  rm -rf "$scratch/c" && mkdir -p "$scratch/c"
  cp -r "$root/buf.yaml" "$root/proto" "$scratch/c/"
  ln -s "$root/node_modules" "$scratch/c/node_modules"
  [[ -z "$2" ]] || sed -i -E "$2" "$scratch/c/proto/$1"
  if [[ -n "$2" ]] && cmp -s "$root/proto/$1" "$scratch/c/proto/$1"; then
    echo "FAIL: the change '$2' did not apply to $1"; failures=$((failures + 1))
  fi
}
check() { NML_CONTRACTS_ROOT="$scratch/c" "$root/scripts/contracts.sh" check 2>&1; }
resources=nml/listings/v1/resources.proto

expect_breaking() {  # name, file, sed expression, text the failure must name
  copy "$2" "$3"
  local out
  if out=$(check); then
    echo "FAIL: $1 passed the breaking check"; failures=$((failures + 1))
  elif ! grep -q "$4" <<<"$out"; then
    echo "FAIL: $1 failed without naming '$4':"; echo "$out"; failures=$((failures + 1))
  else
    echo "ok: $1 is refused: $(grep -m1 "$4" <<<"$out")"
  fi
}

copy "$resources" ""
out=$(check) || { echo "FAIL: proto/ unchanged does not pass:"; echo "$out"; failures=$((failures + 1)); }

# A change that breaks nothing: the check only finds the image out of date.
expect_compatible() {  # name, file, sed expression
  copy "$2" "$3"
  local out
  out=$(check)
  if grep -q 'changed since' <<<"$out" && ! grep -q 'proto:[0-9]*:[0-9]*:' <<<"$out"; then
    echo "ok: $1 breaks nothing"
  else
    echo "FAIL: $1:"; echo "$out"; failures=$((failures + 1))
  fi
}

expect_compatible "an added field" "$resources" \
  's/^(  string city = 6;)$/\1\n  string district = 13;/'
# A field removed as docs/VERSIONING.md says, its number and name reserved.
expect_compatible "a field removed with its number and name reserved" "$resources" \
  's/^  string city = 6;$/  reserved 6;\n  reserved "city";/'

expect_breaking "a renamed field" "$resources" \
  's/^  string city = 6;$/  string town = 6;/' 'city'
expect_breaking "a changed number" "$resources" \
  's/^  string city = 6;$/  string city = 13;/' '"6"'
expect_breaking "a changed type" "$resources" \
  's/^  string city = 6;$/  bytes city = 6;/' 'city'
expect_breaking "a removed field" "$resources" \
  '/^  string city = 6;$/d' 'city'
exit $((failures > 0))
