#!/usr/bin/env bash
# Builds the TypeScript client into OUT: types generated from proto/ by
# @grpc/proto-loader's proto-loader-gen-types, the client, its examples and
# its check compiled by tsc --strict, and the .proto files it loads at run
# time beside them. `npm pack OUT` makes the package a user installs.
#   clients/typescript/build.sh build/clients/typescript
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$src/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
googleapis="$root/node_modules/google-proto-files"
[[ -f "$googleapis/google/api/annotations.proto" ]] ||
  { echo "$googleapis is missing: run scripts/bootstrap.sh" >&2; exit 1; }

rm -rf "$out/src" "$out/examples" "$out/test" "$out/dist" "$out/proto"
cp -r "$src/src" "$src/examples" "$src/test" "$src/tsconfig.json" "$src/package.json" "$out/"
ln -sfn "$root/node_modules" "$out/node_modules"
# The .proto files the stubs load: nml's, what they import, and the rich
# error details (well-known types from Debian's libprotobuf-dev).
mkdir -p "$out/proto/google/api" "$out/proto/google/rpc" "$out/proto/google/protobuf"
cp -r "$root/proto/nml" "$out/proto/"
cp "$googleapis"/google/api/{annotations,http,field_behavior,resource,httpbody}.proto "$out/proto/google/api/"
cp "$googleapis"/google/rpc/{status,error_details}.proto "$out/proto/google/rpc/"
cp /usr/include/google/protobuf/{any,descriptor,duration,field_mask,timestamp}.proto \
  "$out/proto/google/protobuf/"
node "$root/node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js" \
  --longs String --enums String --defaults --oneofs --grpcLib @grpc/grpc-js \
  -I "$out/proto" -O "$out/src/generated" \
  nml/listings/v1/listings_service.proto nml/responses/v1/responses_service.proto
"$root/node_modules/.bin/tsc" -p "$out/tsconfig.json"
echo "$out/dist"
