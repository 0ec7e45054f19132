#!/usr/bin/env bash
# Copy the self-hosted Titillium Web fonts (latin, normal, 400/600/700) used by
# style/main.css into a destination folder, e.g. the site's /fonts/ directory.
# Usage: style/copy-fonts.sh DEST_DIR
# Idempotent: installs node_modules with `npm ci` only when missing and
# overwrites the destination files.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 DEST_DIR" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$1"
src="$here/node_modules/@fontsource/titillium-web/files"

if [[ ! -d "$here/node_modules/@fontsource/titillium-web" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

mkdir -p "$dest"
for weight in 400 600 700; do
  name="titillium-web-latin-${weight}-normal.woff2"
  if [[ ! -f "$src/$name" ]]; then
    echo "copy-fonts: missing $src/$name" >&2
    exit 1
  fi
  cp -f "$src/$name" "$dest/$name"
done
echo "copy-fonts: Titillium Web 400/600/700 copied to $dest"
