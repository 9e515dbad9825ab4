#!/usr/bin/env bash
# Builds everything `kiln serve` serves: the site (wasm, JS, CSS, Monaco),
# the `kiln` binary and, beside it, `kiln-agent` (GET /agent/kiln-agent).
# Skips the build when nothing it reads changed since the last build of the
# same profile (re-splitting, re-binding and re-optimising the wasm would
# otherwise be most of a warm restart).
# Usage: scripts/build.sh [release|debug]            (default release)
#        scripts/build.sh --bin-dir [release|debug]  prints where the binaries are
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin_dir() {
  case "$1" in
    # The release server is built with profile `serve` (Cargo.toml), whose
    # output directory is its name.
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
    wasm-opt --version 2>/dev/null || true
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
# One cargo invocation builds kiln, kiln-agent and the site builder (one
# feature resolution: the crates they share compile once); the site builder
# then compiles the wasm and makes target/site (sitebuild/src/main.rs).
cargo_flags=(--package=kiln-server --bin=kiln --package=kiln-agent --bin=kiln-agent
  --package=kiln-site-build --bin=kiln-site-build)
site_flags=()
if [ "$profile" = release ]; then
  cargo_flags+=(--profile=serve)
  site_flags+=(--release)
fi
cargo build "${cargo_flags[@]}"
"$dir/kiln-site-build" "${site_flags[@]}"
for bin in kiln kiln-agent; do
  [ -x "$dir/$bin" ] || { echo "==> the build left no $dir/$bin" >&2; exit 1; }
done
[ -n "$hash" ] && echo "$hash" >"$stamp"
exit 0
