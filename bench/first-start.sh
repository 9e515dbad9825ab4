#!/usr/bin/env bash
# Measures the README's run command as a new user meets it: a fresh clone of
# this repository, run with empty tool, cargo and build directories (so every
# crate is downloaded and compiled and npm packages fetched), until Kiln
# answers; then a warm restart of the same command with nothing changed.
# Prints the run command's own per-step times and both totals.
#
# Usage: bench/first-start.sh [--warm-only]
#   --warm-only  keep this machine's tools and cargo home; fresh clone and target dir only
#
# Everything goes under a temp dir that is removed at the end (a cold run
# needs about 15 GB of disk). Debian packages and the Rust toolchain are the
# machine's: installing them is not part of what is measured. Nothing here
# talks to anything but 127.0.0.1 and the package registries. A Docker
# engine that the run command starts (where none answered) is left running.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-cold}"
work="$(mktemp -d /var/tmp/kiln-first-start-XXXXXX)"
trap 'rm -rf "$work"' EXIT

git clone -q "$repo" "$work/kiln"
# Uncommitted changes of the working tree are part of what is measured.
(cd "$repo" && git diff HEAD) | (cd "$work/kiln" && git apply --allow-empty)
(cd "$repo" && git ls-files --others --exclude-standard -z) |
  (cd "$repo" && xargs -0 -r cp --parents -t "$work/kiln")

env_args=(
  "CARGO_TARGET_DIR=$work/target"
  "KILN_BIND=127.0.0.1:$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
)
if [ "$mode" != "--warm-only" ]; then
  # Only rustup's proxies (cargo, rustc, …) from ~/.cargo/bin: tools this
  # machine installed there (cargo-leptos, wasm-bindgen, …) must not be used.
  mkdir -p "$work/cargo-home" "$work/rustup-bin"
  for proxy in cargo rustc rustup rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver; do
    if [ -e "$HOME/.cargo/bin/$proxy" ]; then ln -s "$HOME/.cargo/bin/$proxy" "$work/rustup-bin/$proxy"; fi
  done
  path_without_cargo_bin="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$HOME/.cargo/bin" | paste -sd:)"
  env_args+=(
    "CARGO_HOME=$work/cargo-home"
    "KILN_TOOLS_DIR=$work/tools"
    "PATH=$work/cargo-home/bin:$work/rustup-bin:$path_without_cargo_bin"
  )
fi

# Runs the README's command in the clone until Kiln says it listens; prints
# the step lines and the seconds it took.
start_once() {
  local label=$1 log="$work/$1.log" start=$SECONDS
  (cd "$work/kiln" && exec env "${env_args[@]}" scripts/run.sh) >"$log" 2>&1 &
  local pid=$!
  until grep -q '^kiln listening on ' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run.sh ended before Kiln listened:" >&2
      tail -40 "$log" >&2
      exit 1
    fi
    sleep 1
  done
  local took=$((SECONDS - start))
  # run.sh has exec'd kiln by now: stop it, as a user would, and leave the
  # Docker engine it may have started (in a session of its own) running.
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep '^==> .* took \|^==> ready after' "$log" | sed "s/^/$label: /"
  echo "$label: Kiln answered after $took s"
}

start_once first
# The release wasm this build made, against the UI's budget.
python3 "$work/kiln/bench/wasm-size.py" "$work/kiln/target/site/pkg" | tail -4
start_once warm-restart
