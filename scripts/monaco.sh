#!/usr/bin/env bash
# Puts the Monaco editor (npm monaco-editor, min build) under assets/monaco/vs,
# where `kiln-site-build` copies it into the site (served as /monaco/vs).
# Idempotent; assets/monaco is ignored by git, never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.57.0
tools="${KILN_TOOLS_DIR:-/opt/kiln-tools}"
src="$tools/node_modules/monaco-editor"
dest=assets/monaco

if ! grep -qs "\"version\": \"$version\"" "$src/package.json"; then
  echo "==> npm monaco-editor@$version into $tools" >&2
  mkdir -p "$tools"
  npm i --silent --no-audit --no-fund --prefix "$tools" "monaco-editor@$version"
fi
if [ "$(cat "$dest/.version" 2>/dev/null)" != "$version" ]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  cp -R "$src/min/vs" "$dest/vs"
  echo "$version" >"$dest/.version"
fi
