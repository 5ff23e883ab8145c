#!/bin/sh
# 1,000 containers attached to one bridge network and detached again: netmgr's library
# (create+join / leave+delete on the embedded store) beside the reference CNI bridge plugin
# with host-local IPAM (bench/cni-harness/cni-bench.sh, bridge-only.conflist), in one run.
# Both sides run in a namespace this script makes to play the host (bench/host-namespace.sh),
# never in the machine's own: the reference's bridge, iptables rules and ip_forward land there
# (EndpointChurn makes a namespace of its own inside as well).
#   bench/endpoints-vs-cni.sh [N]      needs root and Debian's containernetworking-plugins
set -eu
self=$(readlink -f -- "$0")
cd "$(dirname -- "$self")/.."
n=${1:-1000}
shared=${SHARED_BENCH:-bench/cni-harness}
. bench/host-namespace.sh
if ! in_host_namespace; then
    mvn -B -q package -DskipTests -pl bench -am # outside: it may need the network
    run_in_host_namespace endpoints sh "$self" "$@"
fi
java=${JAVA:-java}
ours=$("$java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" io.netmgr.bench.EndpointChurn "$n")
echo "$ours" | grep -v '^RESULT'
ref=$("$shared/cni-bench.sh" -n "$n" "$shared/bridge-only.conflist" 2>/dev/null)
echo "$ref" | grep -E '^(ADD|DEL) '
ours_add=$(echo "$ours" | sed -n 's/.*attach_per_s=\([0-9.]*\).*/\1/p')
ref_add_wall=$(echo "$ref" | sed -n 's/^ADD .*wall_s=\([0-9.]*\).*/\1/p')
awk -v o="$ours_add" -v w="$ref_add_wall" -v n="$n" 'BEGIN {
  r = n / w; printf "reference bridge+host-local: %.1f attachments/s\nnetmgr library / reference: %.1fx (goal: 5x)\n", r, o / r }'
