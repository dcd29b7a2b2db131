#!/usr/bin/env bash
# Builds the Go client into OUT: stubs generated from proto/ by Debian's
# protoc-gen-go and protoc-gen-go-grpc, the client package and its commands
# compiled by Debian's Go against Debian's Go gRPC, protobuf and genproto
# sources (/usr/share/gocode) in GOPATH mode, with no module download.
#   clients/go/build.sh build/clients/go
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$src/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
gopath="$out/gopath"
prefix=example.org/nml

rm -rf "$gopath" "$out/bin"
mkdir -p "$gopath/src/$prefix" "$out/bin"
# Each nml file's Go package (its go_package, where it has none): the
# directory under example.org/nml, named <service><version> (listingsv1).
mapfile -t protos < <(cd "$root/proto" && find nml -name '*.proto' | sort)
opts=()
for p in "${protos[@]}"; do
  dir=$(dirname "${p#nml/}")                      # listings/v1
  opts+=("M$p=$prefix/$dir;$(tr -d / <<<"$dir")")  # ...;listingsv1
done
go_opts=$(IFS=,; echo "${opts[*]}")
go_opts+=",Mgoogle/api/annotations.proto=google.golang.org/genproto/googleapis/api/annotations"
go_opts+=",Mgoogle/api/http.proto=google.golang.org/genproto/googleapis/api/annotations"
go_opts+=",Mgoogle/api/field_behavior.proto=google.golang.org/genproto/googleapis/api/annotations"
go_opts+=",Mgoogle/api/resource.proto=google.golang.org/genproto/googleapis/api/annotations"
go_opts+=",Mgoogle/api/httpbody.proto=google.golang.org/genproto/googleapis/api/httpbody"
protoc -I "$root/proto" -I "$root/node_modules/google-proto-files" \
  --go_out="$gopath/src" --go_opt="paths=import,$go_opts" \
  --go-grpc_out="$gopath/src" --go-grpc_opt="paths=import,$go_opts" \
  "${protos[@]}"
cp -r "$src/nml" "$gopath/src/$prefix/client"
cp -r "$src/cmd" "$gopath/src/$prefix/cmd"

# Go's build cache stays where Go keeps it (~/.cache/go-build), outside the
# checkout, as ccache's does: a clean clone compiles gRPC's sources once.
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOPROXY=off
go vet "$prefix/client" "$prefix/cmd/..."
go build -o "$out/bin/" "$prefix/cmd/..."
ls "$out/bin"
