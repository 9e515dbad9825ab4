#!/usr/bin/env bash
# Runs every Kiln test: lint, unit, integration against real services
# (dockerd, registry, git server), and browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh --test
(cd end2end && npm ci --silent --no-audit --no-fund)

cargo fmt --all --check
cargo clippy --workspace --exclude kiln-frontend --all-targets -- -D warnings
cargo clippy -p kiln-frontend --target wasm32-unknown-unknown -- -D warnings
scripts/monaco.sh
cargo leptos build --split
trap 'testkit/scripts/stop-services.sh >/dev/null 2>&1 || true' EXIT
# The workspace build nextest makes includes kiln-agent (it has integration
# tests); the server's agent and EC2 tests use that binary.
export KILN_AGENT_BIN="$CARGO_TARGET_DIR/debug/kiln-agent"
cargo nextest run --workspace --exclude kiln-frontend --no-fail-fast
