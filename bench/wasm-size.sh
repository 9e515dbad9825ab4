#!/usr/bin/env bash
# The app's wasm as the release build makes it: builds only the frontend
# (`kiln-site-build --release`, which replaces target/site/pkg) and prints, gzip -9, the main module, what each lazily
# loaded route adds, and the most any page loads (budget: 400 KB).
# Usage: bench/wasm-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo build --profile serve --package kiln-site-build
"$(scripts/build.sh --bin-dir release)/kiln-site-build" --release
python3 bench/wasm-size.py target/site/pkg
