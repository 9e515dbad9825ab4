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

# The site's build tools are part of the workspace (sitebuild/: wasm-split and
# wasm-bindgen as libraries, built with Kiln); only binaryen comes from npm.
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
