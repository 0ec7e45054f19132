#!/usr/bin/env bash
# The browser tests (end2end/, Playwright with Debian's Chromium, JavaScript
# on and off, axe-core) against two servers at once: one on SQLite, one on
# PostgreSQL, each with the demo data in a database of its own. The site is
# built once (debug, as `cargo leptos end-to-end` would) and both servers
# run the same binary with the environment cargo-leptos gives it.
#
# Needs the tools (.ci/install-tools.sh test) and a running PostgreSQL
# (.ci/postgres.sh); test.sh provides both.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/env.sh
source .ci/postgres.sh

SQLITE_PORT=3000
POSTGRES_PORT=3100

# A server left running by hand would be tested instead, with its own data and code.
for port in $SQLITE_PORT $POSTGRES_PORT; do
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz"; then
    piazza_log "something already answers on 127.0.0.1:$port: stop it first"
    exit 1
  fi
done

work=$(mktemp -d)
# The server key of this run (every server process here shares it).
export PIAZZA_SECRET_KEY_FILE="$work/server.key"
export PIAZZA_CACHE_DIR="$work/cache"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd end2end && npm ci --no-audit --no-fund --silent)
cargo leptos build
binary="$CARGO_TARGET_DIR/debug/server"
# The debug wasm module is about 24 MB and every test's fresh browser fetches
# it again: compressed once here (served as is, the server's static files
# take a `.br` beside a file), not once per request on these two cores.
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  brotli --force --keep --quality=5 "$file"
done

# backend port database-url: starts a server with the demo data.
start_server() {
  local backend=$1 port=$2 url=$3
  DATABASE_URL="$url" PIAZZA_SEED_DEMO=1 PIAZZA_LISTEN="127.0.0.1:$port" \
    PIAZZA_BASE_URL="http://127.0.0.1:$port" PIAZZA_UPLOAD_DIR="$work/uploads-$backend" \
    LEPTOS_ENV=DEV LEPTOS_OUTPUT_NAME=piazza LEPTOS_WASM_OUTPUT_NAME=piazza \
    LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt RUST_LOG=warn \
    "$binary" >"$work/server-$backend.log" 2>&1 &
  pids+=($!)
}
start_server sqlite $SQLITE_PORT "sqlite://$work/e2e.db?mode=rwc"
start_server postgres $POSTGRES_PORT "$(piazza_fresh_pg_database e2e)"

# Both suites at once, one browser each; globalSetup waits for /readyz.
run_suite() {
  local backend=$1 port=$2
  (cd end2end && PIAZZA_BASE_URL="http://127.0.0.1:$port" PIAZZA_E2E_BACKEND="$backend" \
    PIAZZA_E2E_SERVER_LOG="$work/server-$backend.log" \
    npx playwright test) >"$work/e2e-$backend.log" 2>&1
}
run_suite sqlite $SQLITE_PORT &
sqlite_suite=$!
run_suite postgres $POSTGRES_PORT &
postgres_suite=$!
failed=()
wait "$sqlite_suite" || failed+=(sqlite)
wait "$postgres_suite" || failed+=(postgres)

for backend in sqlite postgres; do
  piazza_log "browser tests on $backend"
  cat "$work/e2e-$backend.log"
done
for backend in "${failed[@]}"; do
  piazza_log "server log ($backend), last lines:"
  tail -n 50 "$work/server-$backend.log"
done
if [ ${#failed[@]} -gt 0 ]; then
  piazza_log "browser tests failed on: ${failed[*]}"
  exit 1
fi
piazza_log "browser tests passed on SQLite and PostgreSQL"
