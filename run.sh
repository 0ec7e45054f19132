#!/usr/bin/env bash
# Runs Piazza on http://127.0.0.1:3000 with demo data, on SQLite (./data/piazza.db).
# Installs what this machine lacks first (pinned tools; see ../shared/TOOLCHAIN.md).
# Set DATABASE_URL=postgres://… to run on PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/env.sh

.ci/install-tools.sh run
bash style/copy-fonts.sh style/assets/fonts
export PIAZZA_SEED_DEMO="${PIAZZA_SEED_DEMO:-1}"
piazza_log "building and starting on http://127.0.0.1:3000 (first build takes several minutes)"
exec cargo leptos serve "$@"
