#!/bin/sh
# Overlay convergence between two hosts (namespaces on an underlay bridge, controllers in one JVM
# sharing one cluster store): create+join on A until B's kernel has the FDB and neighbour entries,
# warm and cold, and removal; then TCP throughput between containers on the two hosts over VXLAN
# beside the same two hosts over the plain veth underlay, iperf3, one run.
# The cluster store is in memory, or with "etcd" a real 3-member etcd this script starts on
# loopback (free ports, temp data dirs; stopped and removed at the end).
# Root needed.
#   bench/overlay-convergence.sh [endpoints] [cold-rounds] [memory|etcd]     JAVA=/path/to/java to choose the JVM
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
store=""
if [ "${3:-memory}" = etcd ]; then
    work=$(mktemp -d /tmp/netmgr-bench-ovc-XXXXXX)
    etcd_pids=""
    trap 'for p in $etcd_pids; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
    . bench/etcd3.sh
    start_etcd3 "$work"
    store="-Dnetmgr.bench.etcd=$clients"
fi
"$java" --enable-native-access=ALL-UNNAMED $store -cp "bench/target/classes:bench/target/lib/*" \
    io.netmgr.bench.OverlayConvergence "${1:-200}" "${2:-50}"
