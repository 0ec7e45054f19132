# Shared environment for run.sh and test.sh (sourced, not executed).
# Build output lives outside the clone so a fresh clone reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/piazza/target}"
# wasm-opt from npm's binaryen (Debian's breaks hydration); installed by .ci/install-tools.sh.
export PATH="${PIAZZA_TOOLS_DIR:-$HOME/.cache/piazza/tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos debug builds use this flag; plain cargo must use it too to share the build.
export PIAZZA_RUSTFLAGS="--cfg erase_components"

piazza_log() { printf '\033[1;34m[piazza]\033[0m %s\n' "$*"; }
