#!/usr/bin/env bash
# Installs what Kiln needs to build, run and test, idempotently.
# Usage: scripts/install-deps.sh [--test]   (--test adds the test-only tools)
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
TOOLS_DIR="${KILN_TOOLS_DIR:-/opt/kiln-tools}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

log() { printf '==> %s\n' "$*" >&2; }

apt_pkgs=(git pkg-config)
docker_ok() { command -v docker >/dev/null && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! docker_ok && ! command -v dockerd >/dev/null; then apt_pkgs+=(docker.io); fi
if [ "$want_test" = 1 ]; then
  apt_pkgs+=(docker.io docker-registry busybox-static apache2-utils chromium chromium-driver)
  apt_pkgs+=(python3 python3-venv curl)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    log "apt-get install ${missing[*]}"
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "warning: cannot install ${missing[*]} (no apt-get)"
  fi
fi

if ! command -v cargo >/dev/null; then
  log "Rust toolchain missing: install rustup from your distribution first"; exit 1
fi
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || {
  log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

# The build tools are compiled without optimisation: they spend seconds per
# Kiln build (most of their work is done by cargo, rustc and wasm-opt), and an
# unoptimised compile of them takes a fraction of a release one. Both share one
# target dir, kept, so common crates compile once and a reinstall is quick.
TOOLS_BUILD_DIR="${KILN_TOOLS_BUILD_DIR:-/var/tmp/kiln-tools-build}"
tool_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
    CARGO_PROFILE_RELEASE_INCREMENTAL=false \
    cargo install --target-dir "$TOOLS_BUILD_DIR" "$@"
}
if ! cargo leptos --version 2>/dev/null | grep -q '0.3.10'; then
  log "cargo install cargo-leptos 0.3.10 (slow the first time)"
  tool_install cargo-leptos --version 0.3.10 --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q '0.2.130'; then
  log "cargo install wasm-bindgen-cli 0.2.130"
  # Without --locked: its lock file names a crate version that is not served.
  tool_install wasm-bindgen-cli --version 0.2.130
fi
if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
  log "npm binaryen@132 into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm i --silent --no-audit --no-fund --prefix "$TOOLS_DIR" binaryen@132.0.0
fi

# moto, the EC2 emulator the Aws-builder tests start (testkit's moto.rs uses
# the same venv, and installs it itself when this step was skipped).
if [ "$want_test" = 1 ]; then
  MOTO_VENV="${KILN_TESTKIT_DIR:-/var/tmp/kiln-testkit}/moto-venv"
  if [ ! -x "$MOTO_VENV/bin/moto_server" ]; then
    log "pip install 'moto[server]' into $MOTO_VENV"
    mkdir -p "$(dirname "$MOTO_VENV")"
    python3 -m venv "$MOTO_VENV"
    "$MOTO_VENV/bin/pip" install --quiet 'moto[server]'
  fi
fi
