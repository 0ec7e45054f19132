#!/usr/bin/env bash
# Fails on a Rust file over 1,000 lines, sources and tests alike: a file does
# one job, and past that size it has seams to split along.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=1000
over=$(git ls-files -z '*.rs' | xargs -0 wc -l | awk -v limit="$limit" '$2 != "total" && $1 > limit { print "  " $2 " (" $1 " lines)" }')
if [ -n "$over" ]; then
  echo "Rust files over $limit lines:"
  echo "$over"
  exit 1
fi
echo "no Rust file over $limit lines"
