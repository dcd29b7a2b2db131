#!/bin/sh
# A client links only what a client needs: nmlctl and nml-health-check are
# installed where no server runs, so none of the serving kit's libraries
# (reflection, RE2 for redacting database URLs, ICU for folding text,
# libpqxx, Boost) may be a direct dependency of theirs.
# RE2 still arrives indirectly: Debian's libgrpc.so.29 itself needs it.
set -eu
status=0
for binary in "$@"; do
  found=$(readelf -d "$binary" | grep NEEDED |
    grep -E 'grpc\+\+_reflection|re2|icu|pqxx|libpq|boost' || true)
  if [ -n "$found" ]; then
    echo "$binary links libraries a client does not need:"
    echo "$found"
    status=1
  else
    echo "$binary: no reflection, RE2, ICU, libpq(xx) or Boost"
  fi
done
exit $status
