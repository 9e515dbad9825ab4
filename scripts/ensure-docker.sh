#!/usr/bin/env bash
# Makes sure a Docker engine answers on the default socket; starts Debian's
# dockerd when none does. Never fatal: Kiln serves without an engine and says why.
# The dockerd it starts runs in a session of its own, so stopping the run
# command (Ctrl-C, or a signal to its process group) leaves the engine up for
# the next start.
set -uo pipefail
answers() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
answers && exit 0
if command -v systemctl >/dev/null && systemctl start docker >/dev/null 2>&1 && answers; then exit 0; fi
if ! command -v dockerd >/dev/null; then
  echo "==> no Docker engine and no dockerd: Kiln will show the Local builder as unreachable" >&2
  exit 0
fi
log="${KILN_DATA_DIR:-data}/dockerd.log"
mkdir -p "$(dirname "$log")"
echo "==> starting dockerd (log: $log)" >&2
setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 < /dev/null &
pid=$!
for _ in $(seq 1 30); do
  answers && exit 0
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "==> dockerd exited at start-up; the end of $log:" >&2
    tail -5 "$log" >&2
    exit 0
  fi
  sleep 1
done
echo "==> dockerd did not answer within 30s (see $log)" >&2
exit 0
