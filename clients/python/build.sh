#!/usr/bin/env bash
# Builds the Python client's wheel into OUT/dist: the stubs and their .pyi
# types generated from proto/ by Debian's protoc and grpc_python_plugin
# (with the google.api and google.rpc protos they import, from
# google-proto-files), beside the hand-written nml_client package, packed by
# Debian's pip/setuptools without an index.
#   clients/python/build.sh build/clients/python
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$src/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
googleapis="$root/node_modules/google-proto-files"
[[ -f "$googleapis/google/api/annotations.proto" ]] ||
  { echo "$googleapis is missing: run scripts/bootstrap.sh" >&2; exit 1; }

stage="$out/stage"
rm -rf "$stage" "$out/dist"
mkdir -p "$stage"
cp -r "$src/nml_client" "$src/pyproject.toml" "$src/README.md" "$stage/"
mapfile -t nml_protos < <(cd "$root/proto" && find nml -name '*.proto' | sort)
protoc -I "$root/proto" -I "$googleapis" \
  --python_out="$stage" --pyi_out="$stage" \
  --grpc_python_out="$stage" --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  "${nml_protos[@]}"
# What those import from googleapis, and the rich error details.
protoc -I "$googleapis" --python_out="$stage" --pyi_out="$stage" \
  google/api/annotations.proto google/api/http.proto \
  google/api/field_behavior.proto google/api/resource.proto \
  google/api/httpbody.proto google/rpc/status.proto \
  google/rpc/error_details.proto google/rpc/code.proto
# Regular packages for nml.* (setuptools finds them); `google` stays a
# namespace package, shared with protobuf's google.protobuf.
find "$stage/nml" -type d -exec touch {}/__init__.py \;
PIP_NO_INDEX=1 /usr/bin/python3 -m pip wheel --quiet --no-deps \
  --no-build-isolation --wheel-dir "$out/dist" "$stage"
rm -rf "$stage/build" "$stage"/*.egg-info
ls "$out"/dist/*.whl
