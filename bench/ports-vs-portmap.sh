#!/bin/sh
# Publishing ports one at a time: netmgr's firewall (nftables and iptables backends) publishing
# N ports, each cost at the 1st, 1,000th and Nth, beside the reference CNI portmap plugin adding
# a mapping per container (bench/cni-harness/cni-bench.sh: bridge.conflist, i.e. bridge+portmap,
# minus bridge-only.conflist, in the same run).
# Both sides run in a namespace this script makes to play the host (bench/host-namespace.sh),
# never in the machine's own: the reference's bridges, portmap's iptables rules and ip_forward
# land there (PortPublishing makes a namespace of its own inside as well).
#   bench/ports-vs-portmap.sh [N] [REF_N]   needs root and Debian's containernetworking-plugins
set -eu
self=$(readlink -f -- "$0")
cd "$(dirname -- "$self")/.."
n=${1:-5000}
ref_n=${2:-200}
shared=${SHARED_BENCH:-bench/cni-harness}
. bench/host-namespace.sh
if ! in_host_namespace; then
    mvn -B -q -o package -DskipTests -pl bench -am
    run_in_host_namespace ports sh "$self" "$@"
fi
java=${JAVA:-java}
ours=$("$java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" io.netmgr.bench.PortPublishing "$n")
echo "$ours" | grep -v '^RESULT'
with=$("$shared/cni-bench.sh" -n "$ref_n" "$shared/bridge.conflist" 2>/dev/null | grep '^ADD ')
without=$("$shared/cni-bench.sh" -n "$ref_n" "$shared/bridge-only.conflist" 2>/dev/null | grep '^ADD ')
p50() { echo "$1" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p'; }
nft_last=$(echo "$ours" | sed -n 's/^RESULT backend=nftables.*last_ms=\([0-9.]*\).*/\1/p')
nft_first=$(echo "$ours" | sed -n 's/^RESULT backend=nftables.*first_ms=\([0-9.]*\).*/\1/p')
awk -v w="$(p50 "$with")" -v wo="$(p50 "$without")" -v last="$nft_last" -v first="$nft_first" -v n="$n" -v rn="$ref_n" 'BEGIN {
  pm = w - wo
  printf "reference ADD p50 over %d containers: bridge+portmap %.1f ms, bridge alone %.1f ms: portmap %.1f ms per mapping\n", rn, w, wo, pm
  printf "nftables: %dth publish / 1st: %.2fx (goal <= 1.5x); portmap / nftables %dth: %.0fx (goal >= 10x)\n", n, last / first, n, pm / last }'
