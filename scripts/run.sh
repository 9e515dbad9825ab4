#!/usr/bin/env bash
# Builds Kiln (release) and serves it on http://127.0.0.1:3000 (KILN_BIND),
# with SQLite in ./data (KILN_DATA_DIR) and the Local Docker builder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
scripts/ensure-docker.sh
scripts/monaco.sh
cargo leptos build --release --split
exec "$CARGO_TARGET_DIR/release/kiln" serve
