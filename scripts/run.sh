#!/usr/bin/env bash
# Builds Kiln and serves it on http://127.0.0.1:3000 (KILN_BIND), with SQLite
# in ./data (KILN_DATA_DIR, relative to the directory it is started from) and
# the Local Docker builder. Installs what it needs first and prints how long
# each step took.
#   KILN_PROFILE=release (default) builds optimised binaries; KILN_PROFILE=debug
#   reuses the test suite's build (what the first-run test does).
set -euo pipefail
started_in="$PWD"
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/steps.sh
profile="${KILN_PROFILE:-release}"
step "install tools" scripts/install-deps.sh
repo="$PWD"
step "Docker engine" bash -c 'cd "$1" && "$2/scripts/ensure-docker.sh"' _ "$started_in" "$repo"
step "Monaco editor" scripts/monaco.sh
step "build ($profile)" scripts/build.sh "$profile"
steps_summary
bin_dir="$(scripts/build.sh --bin-dir "$profile")"
cd "$started_in"
exec "$bin_dir/kiln" serve
