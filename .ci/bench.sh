#!/usr/bin/env bash
# The benchmark suite: generated data, a real server, wrk as the load tool.
#
#   .ci/bench.sh            full size, release build (about 20 minutes)
#   .ci/bench.sh --small    small size on the debug build (the test command
#                           runs this so the script cannot rot; its numbers mean nothing)
#
# Prints a Markdown table (also written to $BENCH_OUT, default
# target/bench/report.md) and fails only when something is wrong (an error
# answer, a count that does not add up), never because a target is missed:
# a missed target is reported with the number.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/env.sh

size=full
[ "${1:-}" = "--small" ] && size=small

if [ "$size" = full ]; then
  PROPOSALS=30000 COMMENTS=250000 USERS=20000 SUPPORTS=300000
  STORM_PEOPLE=10000 STORM_SUPPORTS=50000 DURATION=15 PROFILE=release MILLION=1000000
  PLAN_ENTRIES=500
else
  PROPOSALS=300 COMMENTS=2500 USERS=500 SUPPORTS=3000
  STORM_PEOPLE=200 STORM_SUPPORTS=1000 DURATION=2 PROFILE=debug MILLION=20000
  PLAN_ENTRIES=50
fi
CONNECTIONS=64
STORM_CONNECTIONS=32
PORT=${BENCH_PORT:-3210}
BASE="http://127.0.0.1:$PORT"

log() { printf '\033[1;35m[bench]\033[0m %s\n' "$*" >&2; }

.ci/install-tools.sh bench >&2

work=$(mktemp -d)
# The server key of this run (every server process here shares it).
export PIAZZA_SECRET_KEY_FILE="$work/server.key"
export PIAZZA_CACHE_DIR="$work/cache"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$PROFILE" = release ]; then
  log "release build"
  cargo leptos build --release >&2
else
  log "debug build"
  cargo leptos build >&2
fi
binary="$CARGO_TARGET_DIR/$PROFILE/server"
db="sqlite://$work/bench.db?mode=rwc"

seconds_since() { python3 -c "import time; print(f'{time.time() - $1:.1f}')"; }

# The generator's own target: a million supports in under a minute (own database).
log "generating $MILLION supports alone"
million_started=$(date +%s.%N)
DATABASE_URL="sqlite://$work/million.db?mode=rwc" "$binary" generate --proposals "$PROPOSALS" --comments 0 \
  --users "$USERS" --supports "$MILLION" --seed 8 >&2
million_seconds=$(seconds_since "$million_started")
million_rows=$(sqlite3 "$work/million.db" "SELECT COUNT(*) FROM supports")
[ "$million_rows" = "$MILLION" ] || { echo "the generator made $million_rows supports, not $MILLION" >&2; exit 1; }
rm -f "$work"/million.db*

log "generating $PROPOSALS proposals, $COMMENTS comments, $USERS people, $SUPPORTS supports"
gen_started=$(date +%s.%N)
DATABASE_URL="$db" "$binary" generate --proposals "$PROPOSALS" --comments "$COMMENTS" \
  --users "$USERS" --supports "$SUPPORTS" --tokens "$STORM_PEOPLE" --processes 1 --seed 7 \
  --report "$work/generated.json" >&2
gen_seconds=$(seconds_since "$gen_started")

log "starting the server on $BASE"
DATABASE_URL="$db" PIAZZA_LISTEN="127.0.0.1:$PORT" PIAZZA_BASE_URL="$BASE" \
  PIAZZA_API_RATE_PER_IP=100000000 PIAZZA_API_RATE_PER_TOKEN=100000000 \
  PIAZZA_UPLOAD_DIR="$work/img" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=piazza LEPTOS_WASM_OUTPUT_NAME=piazza \
  RUST_LOG=warn "$binary" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf "$BASE/readyz" >/dev/null && break
  sleep 0.5
done
curl -sf "$BASE/readyz" >/dev/null || { cat "$work/server.log" >&2; echo "server did not start" >&2; exit 1; }

read -r slug hundred < <(python3 -c "
import json; r = json.load(open('$work/generated.json'))
print(r['processes'][0], r['hundred_comments'])")
zone=centro-storico
list_page="/processi/$slug/proposte?zona=$zone&ordine=recenti"
proposal_page="/proposte/$hundred"
json_list="/api/v1/processes/$slug/proposals?zona=$zone&ordine=recenti"

# Every measured address must answer 200 before it is measured.
for path in /healthz "$list_page" "$proposal_page" "$json_list"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
  [ "$code" = 200 ] || { echo "$path answered $code" >&2; exit 1; }
done

measure() { # name path -> JSON line
  log "wrk $1: $2"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s .ci/bench/report.lua "$BASE$2" | tail -n 1
}
baseline=$(measure healthz /healthz)
list=$(measure "list page" "$list_page")
page=$(measure "proposal page" "$proposal_page")
json=$(measure "JSON list" "$json_list")
# Errors under load are reported in the table, and fail the script at the end.
load_errors=0
for result in "$baseline" "$list" "$page" "$json"; do
  errors=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['errors'])" "$result")
  [ "$errors" = 0 ] || { echo "errors under load: $result" >&2; load_errors=1; }
done

log "support storm: $STORM_PEOPLE people, $STORM_SUPPORTS supports"
python3 - "$BASE" "$slug" "$work/ids.txt" <<'PY'
import json, sys, urllib.request
base, slug, out = sys.argv[1:4]
ids, cursor = [], None
while len(ids) < 2000:
    url = f"{base}/api/v1/processes/{slug}/proposals?ordine=recenti" + (f"&dopo={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(url))
    ids += [item["id"] for item in page["items"]]
    cursor = page.get("next")
    if not cursor:
        break
open(out, "w").write("\n".join(ids))
PY
python3 - "$work/generated.json" "$work/ids.txt" "$work/plan.txt" "$STORM_SUPPORTS" <<'PY'
import json, random, sys
tokens = json.load(open(sys.argv[1]))["tokens"]
ids = open(sys.argv[2]).read().split()
wanted = int(sys.argv[4])
rng = random.Random(7)
pairs, seen = [], set()
while len(seen) < wanted:
    pair = (rng.randrange(len(tokens)), rng.randrange(len(ids)))
    if pair in seen:
        continue
    seen.add(pair)
    pairs.append(pair)
# Duplicates mixed in: one line in ten is sent again later.
pairs += [pairs[rng.randrange(len(pairs))] for _ in range(wanted // 10)]
rng.shuffle(pairs)
with open(sys.argv[3], "w") as f:
    for t, p in pairs:
        f.write(f"{tokens[t]} {ids[p]}\n")
PY
sqlite_db="$work/bench.db"
before=$(sqlite3 "$sqlite_db" "SELECT COUNT(*) FROM supports")
mkdir -p "$work/done"
wrk -t"$STORM_CONNECTIONS" -c"$STORM_CONNECTIONS" -d600s --latency -s .ci/bench/storm.lua \
  "$BASE" -- "$work/plan.txt" "$STORM_CONNECTIONS" "$work/done" >"$work/storm.out" &
wrk_pid=$!
# wrk runs for its whole duration unless interrupted: stop it when every thread is done.
while kill -0 "$wrk_pid" 2>/dev/null && [ "$(ls "$work/done" | wc -l)" -lt "$STORM_CONNECTIONS" ]; do
  sleep 0.2
done
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
storm=$(tail -n 1 "$work/storm.out")
after=$(sqlite3 "$sqlite_db" "SELECT COUNT(*) FROM supports")
mismatched=$(sqlite3 "$sqlite_db" "SELECT COUNT(*) FROM proposals p WHERE p.support_count <> (SELECT COUNT(*) FROM supports s WHERE s.proposal_id = p.id)")
expected=$((before + STORM_SUPPORTS))
exact=yes
[ "$after" = "$expected" ] && [ "$mismatched" = 0 ] || exact=no

# The open-data export of the big process: time and peak memory (GNU time),
# then the package must verify.
log "open-data export of $slug"
/usr/bin/time -f '%e %M' -o "$work/export.time" \
  env DATABASE_URL="$db" "$binary" export open-data --process "$slug" --out "$work/open-data" >/dev/null 2>&1
read -r export_seconds export_kb <"$work/export.time"
"$binary" verify-export "$work/open-data" >&2 || { echo "the open-data export does not verify" >&2; exit 1; }
export_rows=$(($(wc -l <"$work/open-data/proposte.csv") - 1))
export_comments=$(($(grep -c '' "$work/open-data/commenti.csv") - 1))

# The same package downloaded from the site: the first download builds and
# stores it (a download waits 20 s, then is told to come back while the
# build goes on), the next ones are served from the stored file.
log "open-data download from the site"
zip_url="$BASE/processi/$slug/dati-aperti.zip"
download_started=$(date +%s.%N)
for _ in $(seq 1 60); do
  code=$(curl -s -o "$work/dati-aperti.zip" -w '%{http_code}' "$zip_url")
  [ "$code" = 200 ] && break
  [ "$code" = 503 ] || { echo "the open-data download answered $code" >&2; exit 1; }
done
download_first=$(seconds_since "$download_started")
stored_started=$(date +%s.%N)
for _ in 1 2 3 4 5; do curl -sf -o /dev/null "$zip_url"; done
download_stored=$(python3 -c "import time; print(f'{(time.time() - $stored_started) / 5:.2f}')")
download_mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$work/dati-aperti.zip\") / 1048576:.0f}')")

# The plan's PDF and OpenDocument for a plan of PLAN_ENTRIES projects and
# proposals, laid out by the same code as the site's downloads (built after
# the load measures, so the build does not share the cores with them).
log "the plan's files ($PLAN_ENTRIES entries)"
if [ "$PROFILE" = release ]; then
  cargo build --release -p shared --features server --example plan_files >&2
else
  cargo build -p shared --features server --example plan_files >&2
fi
mkdir -p "$work/plan"
plan_files=$("$CARGO_TARGET_DIR/$PROFILE/examples/plan_files" "$PLAN_ENTRIES" "$work/plan")
plan_pages=$(pdfinfo "$work/plan/piano.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
pdfinfo "$work/plan/piano.pdf" 2>/dev/null | grep -q '^Tagged: *yes' || { echo "the plan's PDF is not tagged" >&2; exit 1; }

log "sizes"
wasm=$(ls target/site/pkg/*.wasm | head -n 1)
wasm_br=$(brotli -c -q 11 "$wasm" | wc -c)
# The build names static files after their content; they are cached for a year.
wasm_cache=$(curl -s -o /dev/null -D - "$BASE/pkg/$(basename "$wasm")" | tr -d '\r' | sed -n 's/^cache-control: //Ip')
case "$wasm_cache" in
  *immutable*) ;;
  *) echo "the wasm bundle $(basename "$wasm") is served without a long cache lifetime: '$wasm_cache'" >&2; exit 1 ;;
esac
html_size() { curl -s -H 'Accept-Encoding: br' "$BASE$1" | wc -c; }
home_br=$(html_size /)
list_br=$(html_size "$list_page")
page_br=$(html_size "$proposal_page")

mkdir -p target/bench
out="${BENCH_OUT:-target/bench/report.md}"
python3 - "$size" "$PROFILE" "$gen_seconds" "$baseline" "$list" "$page" "$json" "$storm" "$exact" \
  "$after" "$expected" "$mismatched" "$wasm_br" "$home_br" "$list_br" "$page_br" \
  "$PROPOSALS" "$COMMENTS" "$USERS" "$SUPPORTS" "$STORM_PEOPLE" "$STORM_SUPPORTS" "$CONNECTIONS" "$(basename "$wasm")" "$wasm_cache" "$MILLION" "$million_seconds" "$export_seconds" "$export_kb" "$export_rows" "$export_comments" "$plan_files" "$plan_pages" "$download_first" "$download_stored" "$download_mb" >"$out" <<'PY'
import json, os, platform, sys, datetime
(size, profile, gen_seconds, baseline, listing, page, api, storm, exact, after, expected, mismatched,
 wasm_br, home_br, list_br, page_br, proposals, comments, users, supports, people, storm_n, conns,
 wasm_name, wasm_cache, million, million_seconds, export_seconds, export_kb, export_rows,
 export_comments, plan_files, plan_pages, download_first, download_stored, download_mb) = sys.argv[1:]
b, l, p, j, s = (json.loads(x) for x in (baseline, listing, page, api, storm))
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
def ratio(x): return f"{x['rps'] / b['rps'] * 100:.0f}%"
def target(ok, text): return ("met" if ok else "**missed**") + f" ({text})"
print(f"# Benchmarks ({size}, {profile} build)\n")
print(f"{datetime.date.today()} · {os.cpu_count()} cores ({cpu}) · {platform.system()} · SQLite · wrk, {conns} connections, the tool on the same cores\n")
print(f"Data: {proposals} proposals, {comments} comments, {users} people, {supports} supports, generated in {gen_seconds} s.\n")
per_million = float(million_seconds) * 1_000_000 / int(million)
print(f"Generator alone: {int(million):,} supports (with {int(proposals):,} proposals and {int(users):,} people) in {million_seconds} s: "
      f"{target(per_million < 60, 'a million supports in under a minute on SQLite')}.\n")
print("| measure | req/s | p50 ms | p99 ms | errors | vs /healthz | target |")
print("|---|---:|---:|---:|---:|---:|---|")
print(f"| `/healthz` (baseline) | {b['rps']:.0f} | {b['p50']:.2f} | {b['p99']:.2f} | {b['errors']} | 100% | |")
print(f"| proposal list page (zone filter, newest) | {l['rps']:.0f} | {l['p50']:.2f} | {l['p99']:.2f} | {l['errors']} | {ratio(l)} | {target(l['rps'] >= 3000 and l['p99'] <= 50, '≥ 3,000 req/s, p99 ≤ 50 ms')} |")
print(f"| proposal page (~100 comments) | {p['rps']:.0f} | {p['p50']:.2f} | {p['p99']:.2f} | {p['errors']} | {ratio(p)} | |")
print(f"| JSON list `/api/v1/…/proposals` | {j['rps']:.0f} | {j['p50']:.2f} | {j['p99']:.2f} | {j['errors']} | {ratio(j)} | {target(j['rps'] >= 8000, '≥ 8,000 req/s')} |")
print(f"| support storm ({people} people, {storm_n} supports + 10% repeats) | {s['rps']:.0f} | {s['p50']:.2f} | {s['p99']:.2f} | | | {target(s['rps'] >= 3000, '≥ 3,000 supports/s')} |")
print()
print(f"Support storm: {s['acknowledged']} acknowledged, {s['retries']} retried; supports in the database {after}, expected {expected}; proposals whose count disagrees with their rows: {mismatched} → **{'exact' if exact == 'yes' else 'NOT EXACT'}**.\n")
print("| size (brotli) | bytes | target |")
print("|---|---:|---|")
print(f"| wasm bundle `{wasm_name}` (`{wasm_cache}`) | {wasm_br} | {target(int(wasm_br) <= 400 * 1024, '≤ 400 KB')} |")
print(f"| home page HTML | {home_br} | |")
print(f"| proposal list page HTML | {list_br} | |")
print(f"| proposal page HTML | {page_br} | |")
print()
export_mb = int(export_kb) / 1024
print("| export | seconds | peak memory | target |")
print("|---|---:|---:|---|")
print(f"| open data of one process ({int(export_rows):,} proposals, {int(export_comments):,} comment lines; CSV + JSON, manifest, verified) | {export_seconds} | {export_mb:.0f} MB | "
      f"{target(float(export_seconds) < 30 and export_mb < 300, '< 30 s and < 300 MB for 30,000 proposals and 250,000 comments')} |")
print(f"| open data downloaded from the site ({download_mb} MB zip): first download, which builds and stores the package | {download_first} | | |")
print(f"| the same, served from the stored package (mean of 5) | {download_stored} | | {target(float(download_stored) < 2, '< 2 s, no rebuild')} |")
plan = json.loads(plan_files)
print(f"| PDF of a plan of {plan['entries']} projects and proposals ({plan_pages} pages, {plan['pdf_bytes'] // 1024} KB, tagged) | {plan['pdf_ms'] / 1000:.2f} | | "
      f"{target(plan['pdf_ms'] < 10_000, 'the PDF of a 500-project plan in < 10 s') if plan['entries'] >= 500 else ''} |")
print(f"| OpenDocument of the same plan ({plan['odt_bytes'] // 1024} KB) | {plan['odt_ms'] / 1000:.2f} | | |")
PY
cat "$out"
[ "$exact" = yes ] || { echo "the support storm's counts are not exact" >&2; exit 1; }
[ "$load_errors" = 0 ] || { echo "some requests failed under load (see the errors column)" >&2; exit 1; }
log "report in $out"
