#!/usr/bin/env bash
# Builds everything `kiln serve` serves: the site (wasm, JS, CSS, Monaco),
# the `kiln` binary and, beside it, `kiln-agent` (GET /agent/kiln-agent).
# Usage: scripts/build.sh [release|debug]            (default release)
#        scripts/build.sh --bin-dir [release|debug]  prints where the binaries are
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin_dir() {
  case "$1" in
    # cargo-leptos builds the release server with `bin-profile-release`
    # (profile `serve` in Cargo.toml), whose output directory is its name.
    release) echo "$CARGO_TARGET_DIR/serve" ;;
    debug) echo "$CARGO_TARGET_DIR/debug" ;;
    *) echo "unknown profile '$1': use release or debug" >&2; return 2 ;;
  esac
}
if [ "${1:-}" = "--bin-dir" ]; then
  bin_dir "${2:-release}"
  exit
fi
profile="${1:-release}"
dir="$(bin_dir "$profile")"
leptos_flags=(--split)
[ "$profile" = release ] && leptos_flags+=(--release)
# Every cargo-leptos build passes --split (see ARCHITECTURE.md). Its server
# build also builds kiln-agent (`bin-cargo-args` in Cargo.toml).
cargo leptos build "${leptos_flags[@]}"
for bin in kiln kiln-agent; do
  [ -x "$dir/$bin" ] || { echo "==> the build left no $dir/$bin" >&2; exit 1; }
done
