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
# The same build script as the run command, debug profile: the site, kiln and
# kiln-agent (end2end/tests/first_run.rs runs scripts/run.sh on this build).
scripts/build.sh debug
cargo nextest run --workspace --exclude kiln-frontend --no-run
# The tests run a snapshot of kiln, kiln-agent and the site (kiln finds it
# beside itself, in site/): the first-run test runs scripts/run.sh, whose
# build step re-links target/debug/kiln and rewrites target/site while other
# tests use them.
test_bin="$CARGO_TARGET_DIR/test-bin"
rm -rf "$test_bin" && mkdir -p "$test_bin"
cp "$CARGO_TARGET_DIR/debug/kiln" "$CARGO_TARGET_DIR/debug/kiln-agent" "$test_bin/"
cp -R target/site "$test_bin/site"
export KILN_BIN="$test_bin/kiln" KILN_AGENT_BIN="$test_bin/kiln-agent"
trap 'testkit/scripts/stop-services.sh >/dev/null 2>&1 || true' EXIT
cargo nextest run --workspace --exclude kiln-frontend --no-fail-fast
