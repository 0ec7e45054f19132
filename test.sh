#!/usr/bin/env bash
# Runs every test: formatting, the shape of the code (no import cycles, no
# file over 1,000 lines) and lints; unit and integration tests on SQLite and
# on a real PostgreSQL (installed and started if absent), in parallel; then
# the browser tests in Chromium with JavaScript on and off, against SQLite
# and PostgreSQL at once; the benchmark script at a small size; and three
# server processes behind nginx. Fails if any part fails.
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

step "format, shape and lints"
cargo fmt --all -- --check
python3 .ci/cycles.py
.ci/sizes.sh
RUSTFLAGS="$PIAZZA_RUSTFLAGS" cargo clippy --workspace --all-targets --locked -- -D warnings

step "PostgreSQL"
source .ci/postgres.sh
piazza_start_postgres

# cargo-nextest runs each test in a process of its own, as many at once as
# there are cores: tests never share a Leptos runtime or a database (each
# copies a template made once per build, see shared/src/testing/databases.rs).
# The domain's tests (shared/tests/domain) call the services with no HTTP or
# UI; the server's (server/tests/it) go through the real router.
step "unit and integration tests on SQLite"
RUSTFLAGS="$PIAZZA_RUSTFLAGS" cargo nextest run --config-file .ci/nextest.toml --workspace --locked

step "integration tests on PostgreSQL"
PIAZZA_TEST_BACKEND=postgres PIAZZA_TEST_DATABASE_URL="$PIAZZA_PG_ADMIN_URL" \
  RUSTFLAGS="$PIAZZA_RUSTFLAGS" cargo nextest run --config-file .ci/nextest.toml --workspace --locked \
  -E 'binary(it) | binary(domain)'

step "browser tests (Chromium, JavaScript on and off), SQLite and PostgreSQL at once"
.ci/end2end.sh

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
