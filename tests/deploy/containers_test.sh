#!/usr/bin/env bash
# nml as shipped in containers: the runtime image (scripts/image.sh), the
# compose stack (docker-compose.yml, its network made internal by
# tests/deploy/compose.internal.yml) with 3 nml-listings and 2 nml-responses
# behind the one gateway, on the private engine of scripts/docker.sh.
# Checks, through the gateway's container: the data load, REST, screening,
# a dossier, the web view in chromium; each service's hardening from inside
# its container; health that flips when the database hangs; one listings
# container killed under a bounded read load; `down -v` leaving nothing.
# Run by scripts/test.sh; alone: tests/deploy/containers_test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

step() { echo "-- $*"; }
fail() { echo "containers: FAIL: $*" >&2; exit 1; }

step "images"
started=$(date +%s)
export DOCKER_HOST=$(scripts/image.sh)
docker=/usr/bin/docker
"$docker" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(nml|nml-postgres|debian):' | sort
echo "images ready in $(($(date +%s) - started)) s"

project="nmltest$$"
compose=(docker-compose -p "$project" -f docker-compose.yml -f tests/deploy/compose.internal.yml)
export NML_PAGE_TOKEN_KEY="containers-test-$$"
cleanup() {
  "${compose[@]}" logs --no-color >"${TMPDIR:-/tmp}/$project.log" 2>&1 || true
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "compose up: 3 listings, 2 responses"
started=$(date +%s)
"${compose[@]}" up -d --scale listings=3 --scale responses=2 >/dev/null 2>&1 ||
  fail "compose up failed"
containers() { "$docker" ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'; }
health() { "$docker" inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1"; }
for _ in $(seq 1 180); do
  waiting=0
  for c in $(containers); do
    case "$c" in
      *load-data*) [[ $("$docker" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c") == "exited 0" ]] || waiting=1 ;;
      *) [[ $(health "$c") == healthy ]] || waiting=1 ;;
    esac
  done
  [[ $waiting == 0 ]] && break
  sleep 1
done
[[ $waiting == 0 ]] || { "$docker" ps -a --filter "label=com.docker.compose.project=$project"; fail "not healthy, or the data load did not finish, in 180 s"; }
"$docker" ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}} {{.Status}}' | sort
echo "healthy and loaded in $(($(date +%s) - started)) s"

ip() { "$docker" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
gateway=$(containers | grep _gateway_ | head -1)
base="http://$(ip "$gateway"):8080"

step "REST through the gateway's container ($base)"
python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(path, body=None):
    req = urllib.request.Request(base + path, method="POST" if body else "GET",
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
review = call("/v1/reviews/2021")["review"]
assert review["declaredOnlineCount"] == 42, review
screened = call("/v1/domains:screen", {"items": [{"input": "aliexpress.com"}],
                                       "options": {"reviewYear": 2021}})
result = screened["results"][0]
assert result["status"] == "LISTING_STATUS_LISTED", result
dossier = call("/v1/markets/aliexpress:dossier")
assert dossier["history"]["market"]["displayName"] == "AliExpress", dossier["history"]["market"]
assert dossier["responses"].get("responses"), "the dossier has responses"
print(f"reviews/2021: {review['declaredOnlineCount']} online declared; "
      f"aliexpress.com against 2021: {result['status']} ({result.get('statusRule')}); "
      f"the AliExpress dossier: {len(dossier['responses']['responses'])} responses")
PY

step "read-your-writes across the replicas, through the gateway's container"
python3 - "$base" <<'PY'
import json, sys, urllib.error, urllib.request
base = sys.argv[1]
def call(path, body=None, headers={}):
    req = urllib.request.Request(base + path, method="POST" if body else "GET",
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None
status, stakeholder = call("/v1/stakeholders", {"displayName": "Containers Watcher",
                                                "type": "STAKEHOLDER_TYPE_OTHER"})
assert status == 200, status
missing = 0
for i in range(50):
    market = f"containers-{i}"
    status, made = call(f"/v1/markets?marketId={market}",
                        {"displayName": f"Containers {i}", "kind": "MARKET_KIND_ONLINE"})
    assert status == 200, status
    missing += call(f"/v1/markets/{market}")[0] != 200
    status, filed = call("/v1/responses", {
        "stakeholder": stakeholder["stakeholder"]["name"], "reviewYear": 2021,
        "targets": [f"markets/{market}"], "stance": "STANCE_DISAGREES",
        "summary": "Filed the moment the market was listed.",
        "sourceUrl": f"https://example.org/containers/{market}"})
    assert status == 200, f"a response about a market just created: {status}"
    version = str(filed["dataVersion"])
    missing += call("/v1/" + filed["response"]["name"],
                    headers={"x-nml-min-data-version": version})[0] != 200
print(f"50 markets and 50 responses about them over 3 listings and 2 responses containers: "
      f"{missing} not read back")
assert missing == 0
PY

step "the web view in chromium"
NML_WEB_URL="$base" node --test --test-reporter=spec tests/deploy/containers_web.test.mjs

step "hardening, from inside each service's container"
for c in $(containers | grep -E '_(listings|responses|gateway)_'); do
  out=$("$docker" exec "$c" /bin/sh -c '
    echo "uid=$(id -u) gid=$(id -g)"
    grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs):" /proc/self/status | tr -s "\t " " " | tr "\n" " "; echo
    if touch /usr/local/bin/x 2>/dev/null || touch /x 2>/dev/null; then echo "root writable"; else echo "root read-only"; fi
    if touch /tmp/x 2>/dev/null; then echo "tmp writable"; fi')
  echo "$c: $(echo "$out" | tr '\n' ';')"
  grep -q "uid=65532 gid=65532" <<<"$out" || fail "$c does not run as 65532"
  grep -q "CapEff: 0000000000000000" <<<"$out" || fail "$c has effective capabilities"
  grep -q "CapPrm: 0000000000000000" <<<"$out" || fail "$c has permitted capabilities"
  grep -q "NoNewPrivs: 1" <<<"$out" || fail "$c may gain privileges"
  grep -q "root read-only" <<<"$out" || fail "$c can write outside /tmp"
  grep -q "tmp writable" <<<"$out" || fail "$c cannot write /tmp"
done

step "one listings container killed under a bounded read load"
victim=$(containers | grep _listings_ | sort | tail -1)
python3 - "$base" "$docker" "$victim" <<'PY'
import subprocess, sys, threading, time, urllib.request
base, docker, victim = sys.argv[1:]
ok = failed = 0
lock = threading.Lock()
stop = time.monotonic() + 8
def reader():
    global ok, failed
    for i in range(20000):  # bounded: and by the clock
        if time.monotonic() > stop: return
        path = "/v1/markets/aliexpress" if i % 2 else "/v1/reviews/2021"
        try:
            with urllib.request.urlopen(base + path, timeout=10) as r:
                good = r.status == 200
        except Exception:
            good = False
        with lock:
            if good: ok += 1
            else: failed += 1
threads = [threading.Thread(target=reader) for _ in range(4)]
for t in threads: t.start()
time.sleep(2)
before = ok
subprocess.run([docker, "kill", victim], check=True, capture_output=True)
for t in threads: t.join()
print(f"killed {victim} under load: {ok} reads ok ({before} before the kill), {failed} failed")
assert ok > before, "reads went on"
assert failed <= 4, "at most the reads in flight on the killed container may fail"
PY

step "health flips when the database hangs"
postgres=$(containers | grep _postgres_)
responses=$(containers | grep _responses_ | head -1)
# Failed checks count after the 30 s start period (docker-compose.yml).
up_since=$("$docker" inspect -f '{{.State.StartedAt}}' "$responses")
wait_s=$((31 - ($(date +%s) - $(date -d "$up_since" +%s))))
[[ $wait_s -gt 0 ]] && sleep "$wait_s"
"$docker" pause "$postgres" >/dev/null
flipped=0
for i in $(seq 1 60); do
  [[ $(health "$responses") == unhealthy ]] && { flipped=$i; break; }
  sleep 1
done
"$docker" unpause "$postgres" >/dev/null
[[ $flipped -gt 0 ]] || fail "$responses stayed healthy with its database hung for 60 s"
echo "$responses unhealthy ${flipped} s after its database hung"
for i in $(seq 1 60); do
  [[ $(health "$responses") == healthy ]] && { echo "healthy again ${i} s after it answered"; break; }
  sleep 1
done
[[ $(health "$responses") == healthy ]] || fail "$responses not healthy 60 s after its database answered"

step "down -v leaves nothing"
trap - EXIT
cleanup
left=$("$docker" ps -aq --filter "label=com.docker.compose.project=$project"; \
  "$docker" volume ls -q --filter "label=com.docker.compose.project=$project"; \
  "$docker" network ls -q --filter "label=com.docker.compose.project=$project")
[[ -z "$left" ]] || fail "left behind: $left"
echo "containers: ok"
