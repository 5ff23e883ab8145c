#!/bin/sh
# 1,000 containers attached to one bridge network and detached again: netmgr's library
# (create+join / leave+delete on the embedded store) beside the reference CNI bridge plugin
# with host-local IPAM (bench/cni-harness/cni-bench.sh, bridge-only.conflist), in one run.
#   bench/endpoints-vs-cni.sh [N]      needs root and Debian's containernetworking-plugins
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-1000}
shared=${SHARED_BENCH:-bench/cni-harness}
mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
ours=$("$java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" io.netmgr.bench.EndpointChurn "$n")
echo "$ours" | grep -v '^RESULT'
ref=$("$shared/cni-bench.sh" -n "$n" "$shared/bridge-only.conflist" 2>/dev/null)
echo "$ref" | grep -E '^(ADD|DEL) '
ours_add=$(echo "$ours" | sed -n 's/.*attach_per_s=\([0-9.]*\).*/\1/p')
ref_add_wall=$(echo "$ref" | sed -n 's/^ADD .*wall_s=\([0-9.]*\).*/\1/p')
awk -v o="$ours_add" -v w="$ref_add_wall" -v n="$n" 'BEGIN {
  r = n / w; printf "reference bridge+host-local: %.1f attachments/s\nnetmgr library / reference: %.1fx (goal: 5x)\n", r, o / r }'
