#!/usr/bin/env bash
# The app's wasm as the release build makes it, without touching target/site:
# builds kiln-frontend with the wasm-release profile into its own target dir,
# runs wasm-bindgen and wasm-opt as cargo-leptos does, and prints the size raw
# and gzip -9 (budget: 400 KB gzip). Faster than bench/ui.sh for size work.
# Usage: bench/wasm-size.sh [OUT_DIR]   (default /var/tmp/kiln-wasm-size)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out="${1:-/var/tmp/kiln-wasm-size}"
mkdir -p "$out"
CARGO_TARGET_DIR="$out/target" cargo build -p kiln-frontend --lib \
  --profile wasm-release --target wasm32-unknown-unknown --no-default-features
wasm-bindgen --target web --no-typescript --out-dir "$out/bindgen" --out-name kiln \
  "$out/target/wasm32-unknown-unknown/wasm-release/kiln_frontend.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals \
  "$out/bindgen/kiln_bg.wasm" -o "$out/kiln.wasm"
raw=$(stat -c %s "$out/kiln.wasm")
gz=$(gzip -9 -c "$out/kiln.wasm" | wc -c)
echo "wasm: $raw B raw, $gz B gzip -9 (budget 400000 B gzip)"
