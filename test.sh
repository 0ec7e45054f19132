#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and integration tests on SQLite
# and on a real PostgreSQL (installed and started if absent), then the browser
# tests in Chromium with JavaScript on and off. Fails if any part fails.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/env.sh
# No incremental compilation state: it only helps edit-compile loops, and
# in the shared cache it grows by gigabytes with every change.
export CARGO_INCREMENTAL=0

started=$SECONDS
step() { piazza_log "[$((SECONDS - started))s] $*"; }

step "tools"
.ci/install-tools.sh test
bash style/copy-fonts.sh style/assets/fonts

step "format and lints"
cargo fmt --all -- --check
RUSTFLAGS="$PIAZZA_RUSTFLAGS" cargo clippy --workspace --all-targets --locked -- -D warnings

step "PostgreSQL"
source .ci/postgres.sh
piazza_start_postgres

# Integration tests run one at a time: each builds its own Leptos router on
# its own runtime, and several rendering at once in one process can stall
# (seen ~1 run in 10 under load; a single server under 4,000 concurrent
# requests never did). Serial costs a few seconds.
step "unit and integration tests on SQLite"
RUSTFLAGS="$PIAZZA_RUSTFLAGS" cargo test --workspace --locked -- --test-threads=1

step "integration tests on PostgreSQL"
PIAZZA_TEST_BACKEND=postgres PIAZZA_TEST_DATABASE_URL="$PIAZZA_PG_ADMIN_URL" \
  RUSTFLAGS="$PIAZZA_RUSTFLAGS" cargo test --locked -p server --test it -- --test-threads=1

step "browser tests (Chromium, JavaScript on and off)"
# The browser tests start their own server on 3000: one left running by hand
# would be tested instead, with its own data and code.
if curl -s -o /dev/null --max-time 2 http://127.0.0.1:3000/healthz; then
  piazza_log "something already answers on 127.0.0.1:3000: stop it first"
  exit 1
fi
(cd end2end && npm ci --no-audit --no-fund --silent)
e2e_dir=$(mktemp -d)
trap 'rm -rf "$e2e_dir"' EXIT
for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then
    url="sqlite://$e2e_dir/e2e.db?mode=rwc"
  else
    url=$(piazza_fresh_pg_database e2e)
  fi
  step "browser tests on $backend"
  DATABASE_URL="$url" PIAZZA_SEED_DEMO=1 PIAZZA_E2E_BACKEND="$backend" cargo leptos end-to-end
done

# The benchmark script at a small size, so it cannot rot (its numbers mean
# nothing on a debug build); it fails on an error answer or a support count
# that does not add up.
step "benchmark script (small)"
.ci/bench.sh --small

# Three processes over PostgreSQL behind nginx: shared sessions, one phase
# transition, live updates across processes, exact counts with one killed.
step "several processes over PostgreSQL (small)"
.ci/scale-out.sh

step "all tests passed"
