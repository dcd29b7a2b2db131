#!/usr/bin/env bash
# Keeps nml's v1 contracts from breaking a generated client: proto/ is
# checked with buf's WIRE_JSON rules (buf.yaml) against the image of the
# contracts as last recorded, proto/v1.image.binpb (docs/VERSIONING.md).
#   scripts/contracts.sh check    proto/ breaks nothing, and the image is
#                                 proto/'s (scripts/test.sh runs this)
#   scripts/contracts.sh update   after a change, check it, then record
#                                 proto/ as the new image, to commit with it
set -euo pipefail
cd "$(dirname "$0")/.."
buf=$(pwd)/node_modules/.bin/buf
image=proto/v1.image.binpb

# Run from a copy of the repository's buf.yaml and proto/ (the tests' scratch
# copies) with NML_CONTRACTS_ROOT=<copy>.
cd "${NML_CONTRACTS_ROOT:-.}"
[[ -f "$image" || "${1:-check}" == update ]] || { echo "contracts: no $image" >&2; exit 1; }
[[ ! -f "$image" ]] || "$buf" breaking proto --against "$image"
case "${1:-check}" in
  check)
    built=$(mktemp /tmp/nml-contracts.XXXXXX.binpb)
    trap 'rm -f "$built"' EXIT
    "$buf" build proto -o "$built"
    if ! cmp -s "$built" "$image"; then
      echo "contracts: proto/ changed since $image was recorded; it breaks" \
        "nothing, so record it: scripts/contracts.sh update" >&2
      exit 1
    fi
    echo "contracts: no breaking change (WIRE_JSON), $image is current" ;;
  update)
    "$buf" build proto -o "$image"
    echo "contracts: recorded $image" ;;
  *) echo "usage: scripts/contracts.sh [check|update]" >&2; exit 2 ;;
esac
