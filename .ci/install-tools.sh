#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already there.
# Idempotent; safe to run on every start. Versions are pinned (see ../shared/TOOLCHAIN.md).
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
NEXTEST_VERSION=0.9.151
BINARYEN_VERSION=132
TOOLS_DIR="${PIAZZA_TOOLS_DIR:-$HOME/.cache/piazza/tools}"

log() { printf '\033[1;34m[tools]\033[0m %s\n' "$*"; }
need_root_apt() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

rust_tools() {
  if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "cargo install cargo-leptos@$CARGO_LEPTOS_VERSION (about 16 minutes, once)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    log "cargo install wasm-bindgen-cli@$WASM_BINDGEN_VERSION (about 3 minutes, once)"
    # Not --locked: its lockfile pins a crate the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# The test runner: each test in a process of its own, in parallel.
test_rust_tools() {
  if ! cargo nextest --version 2>/dev/null | grep -q "$NEXTEST_VERSION"; then
    log "cargo install cargo-nextest@$NEXTEST_VERSION (6 to 10 minutes, once)"
    cargo install "cargo-nextest@$NEXTEST_VERSION" --locked
  fi
}

npm_tools() {
  # wasm-opt from npm's binaryen: Debian's is too old and breaks hydration.
  if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
    log "npm install binaryen@$BINARYEN_VERSION into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    (cd "$TOOLS_DIR" && [ -f package.json ] || echo '{"private":true}' > "$TOOLS_DIR/package.json"
     cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION")
  fi
}

case "${1:-run}" in
  run)  rust_tools; npm_tools ;;
  test) rust_tools; test_rust_tools; npm_tools; need_root_apt chromium postgresql fonts-dejavu-core wrk brotli sqlite3 nginx-light poppler-utils libreoffice-writer-nogui ;;
  bench) rust_tools; npm_tools; need_root_apt wrk brotli sqlite3 time poppler-utils ;;
  scale) rust_tools; npm_tools; need_root_apt postgresql nginx-light wrk ;;
  *) echo "usage: $0 [run|test|bench|scale]" >&2; exit 2 ;;
esac
log "tools ready"
