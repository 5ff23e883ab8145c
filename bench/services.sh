#!/bin/sh
# Services: rule programming at scale (nftables: the 1st, 1,000th and Nth service added, VIP + 10
# backends each; one backend added/removed at N services, beside the same change applied as a
# whole-state change), then a connection's cost through a VIP vs. straight to a backend.
# With BACKENDS="nftables iptables", the scale part runs once per backend, side by side.
#   bench/services.sh [N] [CONNECTIONS]     needs root
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-10000}
conns=${2:-3000}
mvn -B -q -o package -DskipTests -pl bench -am
java=${JAVA:-java}
cp="bench/target/classes:bench/target/lib/*"
for backend in ${BACKENDS:-nftables}; do
    "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.netmgr.bench.ServiceScale "$n" "$backend" | grep -v '^RESULT'
done
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.netmgr.bench.VipConnections "$conns"
