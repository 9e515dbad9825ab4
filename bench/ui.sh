#!/usr/bin/env bash
# Measures the web UI as users get it: the release build's wasm (gzip, per
# page: the main module plus a lazy route's chunks) and, on a release
# `kiln serve` with an empty data dir, the time from page request to
# interactive (navigation start to the `kiln-hydrated` mark)
# for each page, with an empty and a warm browser cache.
# Usage: bench/ui.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ "${1:-}" != "--no-build" ]; then
  scripts/monaco.sh
  scripts/build.sh release
fi
python3 bench/wasm-size.py target/site/pkg
echo "kiln.js: $(gzip -9 -c target/site/pkg/kiln.js | wc -c) B gzip"

data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KILN_BIND="127.0.0.1:$port" KILN_DATA_DIR="$data" "$(scripts/build.sh --bin-dir release)/kiln" serve >"$data/kiln.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/" >/dev/null && break; sleep 0.1; done
"$(scripts/build.sh --bin-dir release)/kiln" sync apply --url "$base" - >/dev/null <<'TOML'
[[build]]
name = "bench"
[build.config]
dockerfile = "FROM scratch"
TOML
(cd end2end && node scripts/measure.mjs "$base" / /builds/bench /builds/bench/runs /builders /variables /accounts /sync)
