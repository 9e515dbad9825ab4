#!/usr/bin/env bash
# Makes sure a Docker engine answers on the default socket; starts Debian's
# dockerd when none does. Never fatal: Kiln serves without an engine and says why.
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
nohup dockerd --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 &
for _ in $(seq 1 30); do answers && exit 0; sleep 1; done
echo "==> dockerd did not answer within 30s (see $log)" >&2
exit 0
