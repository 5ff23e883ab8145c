#!/usr/bin/env bash
# cni-vs-reference.sh - ADD/DEL latency of netmgr-cni next to the reference CNI plugins, in one
# run on this host, through the CNI harness (bench/cni-harness/cni-bench.sh, one runtime worker):
#   1. reference bridge + portmap   (bench/cni-harness/bridge.conflist)
#   2. reference bridge only        (bench/cni-harness/bridge-only.conflist)
#   3. netmgr, in-process           (the same shape with "type": "netmgr", portMappings included)
#   4. netmgr, through netmgrd      (the same, handed over by the launcher to a netmgrd this script
#                                    starts and stops; its /metrics then gives the daemon's share)
# usage: bench/cni-vs-reference.sh [N]   (default 200; root; build first: mvn -o -q -pl cni-plugin,dist -am package -DskipTests)
# Needs containernetworking-plugins (/usr/lib/cni). netmgr's state goes to a temp dir.
# Every step runs in a network namespace this script makes to play the host (nmb-cniref-PID, with
# loopback and an uplink holding 192.0.2.10/24 and the default route, as a host's: see
# bench/host-namespace.sh), never in the machine's own: the bridges, port mappings' rules, nft
# tables, ip_forward and netmgr's claim on lo all land there, and deleting it at the end (also on
# failure or interrupt) removes them.
# All four runs share it, so they stay comparable with one another; its firewall starts empty,
# where the machine's may hold other rules that the reference portmap's iptables calls read too.
set -euo pipefail
N=${1:-200}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SHARED=${SHARED_BENCH:-$HERE/cni-harness}
PLUGIN=$ROOT/dist/target/netmgr/bin/netmgr-cni
[ -x "$PLUGIN" ] || { echo "build first: $PLUGIN missing" >&2; exit 2; }
[ -x /usr/lib/cni/bridge ] || { echo "install containernetworking-plugins (reference plugins)" >&2; exit 2; }

. "$HERE/host-namespace.sh"
in_host_namespace || run_in_host_namespace cniref bash "${BASH_SOURCE[0]}" "$@"

# from here on, inside namespace $NMB_HOST_NS: what netmgr and the plugins leave in it goes with it
WORK=$(mktemp -d /tmp/cni-vs-ref.XXXXXX)
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/bin" "$WORK/state" "$WORK/state-daemon"
ln -s "$PLUGIN" "$WORK/bin/netmgr"
cat >"$WORK/netmgr.conflist" <<CONF
{
  "cniVersion": "1.0.0",
  "name": "cnibench-netmgr",
  "plugins": [
    {
      "type": "netmgr",
      "bridge": "cbr-bench2",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "stateDir": "$WORK/state",
      "daemonSocket": "",
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.224.0.0/16", "gateway": "10.224.0.1" }]],
                "routes": [{ "dst": "0.0.0.0/0" }] },
      "capabilities": { "portMappings": true }
    }
  ]
}
CONF

# the same network through the daemon: only "daemonSocket" and the daemon's own state dir differ
# (a daemon reconciling the in-process run's store would make its deleted bridge again)
sed -e "s#\"daemonSocket\": \"\"#\"daemonSocket\": \"$WORK/netmgr.sock\"#" \
    -e "s#\"stateDir\": \"$WORK/state\"#\"stateDir\": \"$WORK/state-daemon\"#" \
    "$WORK/netmgr.conflist" >"$WORK/netmgr-daemon.conflist"

run() { # label conflist plugin-dir [extra env]
  local label=$1 conf=$2 dir=$3
  echo "== $label" >&2
  "$SHARED/cni-bench.sh" -n "$N" -d "$dir" -l "$label" "$conf" | tee "$WORK/$label.txt" >&2
}
run reference-bridge-portmap "$SHARED/bridge.conflist" /usr/lib/cni
run reference-bridge-only "$SHARED/bridge-only.conflist" /usr/lib/cni
CLEAN_NFT_TABLES="inet netmgr" run netmgr-inprocess "$WORK/netmgr.conflist" "$WORK/bin:/usr/lib/cni"
# the in-process runs made the predefined bridge netmgr0 for their store; the daemon's store makes its own.
# Their state directory goes too: netmgrd takes the host namespace over only from a state directory
# that no longer exists (one state directory per host namespace).
ip link del netmgr0 2>/dev/null || true
rm -rf "$WORK/state"
"$ROOT/dist/target/netmgr/bin/netmgrd" --socket "$WORK/netmgr.sock" --state-dir "$WORK/state-daemon" 2>"$WORK/netmgrd.log" &
daemon_pid=$!
for _ in $(seq 100); do [ -S "$WORK/netmgr.sock" ] && break; sleep 0.1; done
[ -S "$WORK/netmgr.sock" ] || { cat "$WORK/netmgrd.log" >&2; exit 1; }
CLEAN_NFT_TABLES="inet netmgr" run netmgr-daemon "$WORK/netmgr-daemon.conflist" "$WORK/bin:/usr/lib/cni"
daemon_share=$(curl -s --unix-socket "$WORK/netmgr.sock" http://netmgrd/metrics |
  sed -n 's/^netmgr_operation_seconds{operation="cni\.\(add\|del\)",outcome="ok",quantile="0\.5"} \(.*\)/\1 \2/p')

echo
printf '%-28s %10s %10s %10s %10s\n' label add_p50_ms add_p90_ms del_p50_ms del_p90_ms
for label in reference-bridge-portmap reference-bridge-only netmgr-inprocess netmgr-daemon; do
  f=$WORK/$label.txt
  get() { grep "^$1 " "$f" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
  printf '%-28s %10s %10s %10s %10s\n' "$label" "$(get ADD p50_ms)" "$(get ADD p90_ms)" "$(get DEL p50_ms)" "$(get DEL p90_ms)"
done
echo "$daemon_share" | awk '{ s[$1] = sprintf("%.1f", $2 * 1000) } END { printf "%-28s %10s %10s %10s %10s\n", "  of which inside netmgrd", s["add"], "", s["del"], "" }'
