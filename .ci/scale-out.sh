#!/usr/bin/env bash
# Piazza on several processes: a real PostgreSQL, three server processes on
# different ports over the same database, and nginx in front of them. Shows,
# and fails unless:
#   1. a session created through one process works through the others;
#   2. a scheduled phase transition runs once, not three times;
#   3. a support cast through one process reaches, live, an event stream
#      (what the proposal page listens to) open on another: PostgreSQL
#      LISTEN/NOTIFY between the processes, server-sent events to the browser;
#   4. supports cast concurrently through the balancer (with repeats and
#      retries) give exact counts, although one process is killed mid-load:
#      no acknowledged support is lost, none is counted twice.
#
#   .ci/scale-out.sh           small size (the test command runs this)
#   .ci/scale-out.sh --large   10,000 people, 50,000 supports
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/env.sh

PEOPLE=300 SUPPORTS=2000 KILL_AFTER=1.5
if [ "${1:-}" = "--large" ]; then
  PEOPLE=10000 SUPPORTS=50000 KILL_AFTER=5
fi
PORTS=(3301 3302 3303)
BALANCER=3300
BASE="http://127.0.0.1:$BALANCER"
CONNECTIONS=16

log() { printf '\033[1;36m[scale-out]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31m[scale-out] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

.ci/install-tools.sh scale >&2
source .ci/postgres.sh
piazza_start_postgres

work=$(mktemp -d)
# The server key of this run (every server process here shares it).
export PIAZZA_SECRET_KEY_FILE="$work/server.key"
export PIAZZA_CACHE_DIR="$work/cache"
chmod 755 "$work"
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log "build"
cargo leptos build >&2
binary="$CARGO_TARGET_DIR/debug/server"
url=$(piazza_fresh_pg_database t)
psql_db() { psql "$url" -v ON_ERROR_STOP=1 -qtA -c "$1"; }

log "data: demo personas, $PEOPLE people with tokens"
DATABASE_URL="$url" "$binary" seed-demo >&2
DATABASE_URL="$url" "$binary" generate --proposals 200 --comments 500 --users $((PEOPLE + 100)) \
  --supports 1000 --tokens "$PEOPLE" --seed 11 --report "$work/generated.json" >&2
slug=$(python3 -c "import json; print(json.load(open('$work/generated.json'))['processes'][0])")
# A transition that is due: the process back in its proposal phase, as if
# every server had been down when the vote opened.
psql_db "UPDATE processes SET phase_cursor = 0 WHERE slug = '$slug'"

log "three server processes on ${PORTS[*]}"
for port in "${PORTS[@]}"; do
  DATABASE_URL="$url" PIAZZA_LISTEN="127.0.0.1:$port" PIAZZA_BASE_URL="$BASE" PIAZZA_TRUST_PROXY=1 \
    PIAZZA_API_RATE_PER_IP=100000000 PIAZZA_API_RATE_PER_TOKEN=100000000 PIAZZA_DB_MAX_CONNECTIONS=8 \
    PIAZZA_UPLOAD_DIR="$work/img" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=piazza \
    LEPTOS_WASM_OUTPUT_NAME=piazza RUST_LOG=warn "$binary" >"$work/server-$port.log" 2>&1 &
  pids+=($!)
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server-$port.log" >&2; fail "process on $port did not start"; }
done

log "nginx on $BALANCER"
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream piazza {
    server 127.0.0.1:${PORTS[0]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${PORTS[1]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${PORTS[2]} max_fails=1 fail_timeout=5s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$BALANCER;
    location / {
      proxy_pass http://piazza;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # PUT is idempotent: a request that met a dead process goes to another.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_buffering off;
    }
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log" || fail "nginx did not start"
for _ in $(seq 1 40); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.25; done
curl -sf "$BASE/readyz" >/dev/null || fail "nginx does not answer"

log "1. a session made on ${PORTS[0]} works on the others"
cookie=$(curl -s -o /dev/null -D - -X POST "http://127.0.0.1:${PORTS[0]}/api/account/sign-in" \
  -H "Origin: $BASE" -H 'Accept: text/html' \
  --data-urlencode 'email=citizen@demo.piazza.invalid' --data-urlencode 'password=piazza-demo-2026' \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(piazza_sessione=[^;]*\).*/\1/p' | head -n1)
[ -n "$cookie" ] || fail "sign-in on ${PORTS[0]} gave no session cookie"
for port in "${PORTS[@]}"; do
  name=$(curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/me" \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['display_name'])") \
    || fail "the session does not work on $port"
  log "   $port: signed in as $name"
done

log "2. the due phase transition ran once"
count_moves() { psql_db "SELECT COUNT(*) FROM audit_log WHERE action = 'phase_advanced_on_schedule' AND details LIKE '$slug:%'"; }
# Every process checks the dates when it starts: wait for the first move, then a little longer.
for _ in $(seq 1 40); do [ "$(count_moves)" -ge 1 ] && break; sleep 0.5; done
sleep 2
moves=$(count_moves)
cursor=$(psql_db "SELECT phase_cursor FROM processes WHERE slug = '$slug'")
[ "$moves" = 1 ] || fail "the transition was recorded $moves times"
[ "$cursor" = 1 ] || fail "the process is at phase $cursor, not 1"
log "   recorded once; the process is in its vote"

log "3. a support through ${PORTS[0]} reaches an event stream open on ${PORTS[2]}"
read -r token proposal < <(python3 - "$BASE" "$slug" "$work/generated.json" <<'PY'
import json, sys, urllib.request
base, slug, report = sys.argv[1:4]
page = json.load(urllib.request.urlopen(f"{base}/api/v1/processes/{slug}/proposals?ordine=recenti"))
print(json.load(open(report))["tokens"][0], page["items"][0]["id"])
PY
)
curl -sN --max-time 8 "http://127.0.0.1:${PORTS[2]}/proposte/$proposal/eventi" >"$work/events.txt" &
events_pid=$!
sleep 1
given=$(curl -sf -X PUT -H "Authorization: Bearer $token" "http://127.0.0.1:${PORTS[0]}/api/v1/proposals/$proposal/support" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['support_count'])") || fail "the support was refused"
curl -sf -X DELETE -H "Authorization: Bearer $token" "http://127.0.0.1:${PORTS[0]}/api/v1/proposals/$proposal/support" >/dev/null \
  || fail "the support could not be withdrawn"
for _ in $(seq 1 20); do grep -q "^data: $((given - 1))" "$work/events.txt" && break; sleep 0.25; done
kill "$events_pid" 2>/dev/null || true
grep -q "^data: $given" "$work/events.txt" || { cat "$work/events.txt" >&2; fail "the stream on ${PORTS[2]} did not hear of the support"; }
grep -q "^data: $((given - 1))" "$work/events.txt" || fail "the stream on ${PORTS[2]} did not hear of the withdrawal"
log "   ${PORTS[2]} heard: $given, then $((given - 1))"

log "4. $SUPPORTS supports from $PEOPLE people through nginx; the process on ${PORTS[1]} is killed after ${KILL_AFTER}s"
python3 - "$BASE" "$slug" "$work/generated.json" "$work/plan.txt" "$SUPPORTS" <<'PY'
import json, random, sys, urllib.request
base, slug, report, out, wanted = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
tokens = json.load(open(report))["tokens"]
ids, cursor = [], None
while True:
    page = json.load(urllib.request.urlopen(f"{base}/api/v1/processes/{slug}/proposals?ordine=recenti" + (f"&dopo={cursor}" if cursor else "")))
    ids += [item["id"] for item in page["items"]]
    cursor = page.get("next")
    if not cursor:
        break
rng = random.Random(11)
pairs, seen = [], set()
while len(seen) < min(wanted, len(tokens) * len(ids)):
    pair = (rng.randrange(len(tokens)), rng.randrange(len(ids)))
    if pair not in seen:
        seen.add(pair)
        pairs.append(pair)
pairs += [pairs[rng.randrange(len(pairs))] for _ in range(len(pairs) // 10)]
rng.shuffle(pairs)
with open(out, "w") as f:
    for t, p in pairs:
        f.write(f"{tokens[t]} {ids[p]}\n")
print(len(seen))
PY
distinct=$(sort -u "$work/plan.txt" | wc -l)
before=$(psql_db "SELECT COUNT(*) FROM supports")
mkdir -p "$work/done"
wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d600s -s .ci/bench/storm.lua "$BASE" -- \
  "$work/plan.txt" "$CONNECTIONS" "$work/done" >"$work/storm.out" &
wrk_pid=$!
sleep "$KILL_AFTER"
kill -9 "${pids[1]}" 2>/dev/null || true
log "   killed the process on ${PORTS[1]}"
while kill -0 "$wrk_pid" 2>/dev/null && [ "$(ls "$work/done" | wc -l)" -lt "$CONNECTIONS" ]; do sleep 0.2; done
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
storm=$(tail -n 1 "$work/storm.out")
after=$(psql_db "SELECT COUNT(*) FROM supports")
mismatched=$(psql_db "SELECT COUNT(*) FROM proposals p WHERE p.support_count <> (SELECT COUNT(*) FROM supports s WHERE s.proposal_id = p.id)")
log "   storm: $storm"
log "   supports before $before, after $after, new distinct pairs $distinct; proposals whose count disagrees: $mismatched"
acknowledged=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['acknowledged'])" "$storm")
lines=$(wc -l <"$work/plan.txt")
[ "$acknowledged" = "$lines" ] || fail "only $acknowledged of $lines supports were acknowledged"
[ "$after" = $((before + distinct)) ] || fail "expected $((before + distinct)) supports, found $after"
[ "$mismatched" = 0 ] || fail "$mismatched proposals count differently from their rows"

log "all checks passed: sessions shared, one transition, live updates across processes, exact counts with a process killed"
