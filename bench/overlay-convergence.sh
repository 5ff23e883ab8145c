#!/bin/sh
# Overlay convergence between two hosts (namespaces on an underlay bridge, controllers in one JVM
# sharing an in-memory cluster store): create+join on A until B's kernel has the FDB and
# neighbour entries, warm and cold, and removal; then TCP throughput between containers on the
# two hosts over VXLAN beside the same two hosts over the plain veth underlay, iperf3, one run.
# Root needed.
#   bench/overlay-convergence.sh [endpoints] [cold-rounds]     JAVA=/path/to/java to choose the JVM
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
exec "$java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" \
    io.netmgr.bench.OverlayConvergence "${1:-200}" "${2:-50}"
