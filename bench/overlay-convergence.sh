#!/bin/sh
# Overlay convergence between two hosts (namespaces on an underlay bridge, controllers in one JVM
# sharing one cluster store): create+join on A until B's kernel has the FDB and neighbour entries,
# warm and cold, and removal, with the cluster store requests each create+join makes; then TCP
# throughput (iperf3) between containers on the two hosts over netmgr's overlay beside the plain veth
# underlay, the kernel's bare VXLAN and the same topology made by hand with ip, alternating, with the
# CPU time per Gbit of each. The last argument says which of the two to measure: convergence,
# throughput or both (default both; 0 endpoints: the throughput alone).
# The cluster store: "memory" (in the JVM), "etcd" (a real 3-member etcd this script starts on
# loopback: free ports, temp data dirs, stopped and removed at the end), or "both", one after
# the other in one run (default).
# Root needed; etcd-server for etcd.
#   bench/overlay-convergence.sh [endpoints] [cold-rounds] [memory|etcd|both] [convergence|throughput|both]
#   JAVA=/path/to/java to choose the JVM
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
mode=${3:-both}
part=${4:-}
run() {
    "$java" --enable-native-access=ALL-UNNAMED "$@" -cp "bench/target/classes:bench/target/lib/*" \
        io.netmgr.bench.OverlayConvergence "$endpoints" "$cold" ${part:+"$part"}
}
endpoints=${1:-200}
cold=${2:-50}
if [ "$mode" = memory ] || [ "$mode" = both ]; then
    run -Dnetmgr.bench.store=memory
fi
if [ "$mode" = etcd ] || [ "$mode" = both ]; then
    . bench/etcd3.sh
    etcd3_in_temp ovc
    run -Dnetmgr.bench.etcd="$clients"
fi
