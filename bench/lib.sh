# Helpers the h2load benchmarks share; source it from a bench/ script run
# from the repository root.

# Writes one gRPC request body (5-byte frame header + the message) to `out`:
#   grpc_frame out nml.listings.v1.GetReviewRequest 'name: "reviews/2021"'
grpc_frame() {
  local out=$1 type=$2 text=$3
  printf '%s' "$text" | protoc -I proto -I node_modules/google-proto-files \
    --encode="$type" nml/listings/v1/listings_service.proto \
    nml/responses/v1/responses_service.proto \
    nml/gateway/v1/gateway_service.proto >"$out.msg"
  python3 -c "import struct,sys;d=open('$out.msg','rb').read();sys.stdout.buffer.write(b'\0'+struct.pack('>I',len(d))+d)" >"$out"
  rm -f "$out.msg"
}

# The headers of a gRPC call, for h2load.
grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers')

# Median of the per-request durations in an h2load --log-file (microseconds).
median() { sort -n -k3 "$1" | awk '{a[NR]=$3} END {print a[int((NR+1)/2)]}'; }

# CPU time (user + system, clock ticks) process `pid` has used so far.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# CPU microseconds per call between two tick readings, over `calls` calls.
per_call() {  # ticks_before ticks_after calls
  python3 -c "print(round(($2 - $1) * 1e6 / $(getconf CLK_TCK) / $3, 1))"
}
