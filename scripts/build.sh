#!/usr/bin/env bash
# Builds everything `kiln serve` serves: the site (wasm, JS, CSS, Monaco),
# the `kiln` binary and, beside it, `kiln-agent` (GET /agent/kiln-agent).
# Skips the build when nothing it reads changed since the last build of the
# same profile (cargo-leptos re-splits, re-binds and re-optimises the wasm on
# every run even then, which is most of a warm restart).
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
site=target/site
stamp="$site/.kiln-build"

# What the build reads: every tracked file as it is now, untracked source
# files, Monaco's version, the toolchain and tools, the profile and where the
# output goes. Empty (always build) outside a git checkout.
inputs_hash() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  {
    git rev-parse HEAD
    git diff HEAD --binary
    git ls-files -z --others --exclude-standard | xargs -0 -r sha256sum
    cat assets/monaco/.version 2>/dev/null || true
    rustc -V
    cargo leptos --version
    echo "$profile $dir"
  } | sha256sum | cut -d' ' -f1
}
hash="$(inputs_hash)"
if [ -n "$hash" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ] &&
  [ -x "$dir/kiln" ] && [ -x "$dir/kiln-agent" ] && [ -f "$site/pkg/kiln.wasm" ]; then
  echo "==> nothing changed since the last $profile build: using it" >&2
  exit 0
fi
rm -f "$stamp"
# Every cargo-leptos build passes --split (see ARCHITECTURE.md). Its server
# build also builds kiln-agent (`bin-cargo-args` in Cargo.toml).
leptos_flags=(--split)
[ "$profile" = release ] && leptos_flags+=(--release)
cargo leptos build "${leptos_flags[@]}"
for bin in kiln kiln-agent; do
  [ -x "$dir/$bin" ] || { echo "==> the build left no $dir/$bin" >&2; exit 1; }
done
[ -n "$hash" ] && echo "$hash" >"$stamp"
exit 0
