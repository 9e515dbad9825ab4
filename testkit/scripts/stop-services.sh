#!/usr/bin/env bash
# Stops the Docker engine shared by kiln-testkit's tests. The first test that needs an
# engine starts it (when no other engine answers) and leaves it running for later test
# processes; CI calls this script once at the end of a run.
#
# Usage: testkit/scripts/stop-services.sh [--purge]
#   --purge  also deletes the engine's data (cached images) and all testkit state.
# State lives in $KILN_TESTKIT_DIR (default /var/tmp/kiln-testkit).
# Registries and git servers need no cleanup: each test stops its own on drop.
set -euo pipefail

dir="${KILN_TESTKIT_DIR:-/var/tmp/kiln-testkit}"
pidfile="$dir/engine/dockerd.pid"

alive() { # a process that exists and is not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

if [ -f "$pidfile" ]; then
  pid=$(tr -dc '0-9' <"$pidfile")
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && alive "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      echo "dockerd (pid $pid) ignored SIGTERM for 30 s: killing it" >&2
      kill -KILL "$pid" || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
    echo "stopped the shared dockerd (pid $pid)"
  fi
  rm -f "$pidfile"
fi
rm -f "$dir/docker.sock"

if [ "${1:-}" = "--purge" ]; then
  if grep -q " $dir/" /proc/mounts; then
    echo "file systems are still mounted under $dir: not purging" >&2
    exit 1
  fi
  rm -rf "$dir"
  echo "removed $dir"
fi
