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

# Times `n` calls at concurrency 1 and prints one line: the median and the
# CPU per call of process `pid` (the server answering).
#   time_c1 label pid http://host:port/pkg.Service/Method body.grpc
time_c1() {
  local label=$1 pid=$2 url=$3 body=$4 t0 t1 log
  log=$(mktemp)
  t0=$(ticks "$pid")
  h2load -n "$n" -c 1 -d "$body" "${grpc_headers[@]}" --log-file="$log" "$url" |
    grep -qE "$n succeeded" || { echo "$label: calls failed" >&2; rm -f "$log"; exit 1; }
  t1=$(ticks "$pid")
  printf '%-38s p50 %7s us   CPU %7s us/call\n' "$label" "$(median "$log")" \
    "$(per_call "$t0" "$t1" "$n")"
  rm -f "$log"
}

# Starts a service in the background with NML_* settings from the arguments,
# appends its pid to the caller's `pids` array and waits until it answers its
# health check; on failure prints the log's tail and exits.
#   start_service log bin_dir program port NML_DATABASE_URL=... ...
start_service() {
  local log=$1 bin=$2 program=$3 port=$4
  shift 4
  env NML_LISTEN="127.0.0.1:$port" NML_LOG_LEVEL=warn "$@" "$program" \
    >>"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    "$bin/tools/nml-health-check" -q --addr "127.0.0.1:$port" --timeout-ms 500 && return 0
    sleep 0.1
  done
  echo "$program did not start:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

# The pid of the running nml-<name> (listings, responses, gateway).
service_pid() { pgrep -f "services/$1/nml-$1" | head -1; }
