#!/bin/sh
# Adding/deleting 1,000 addresses and 200 veth pairs: netmgr's netlink module vs the ip
# command (one process per operation, and ip -batch), side by side in one run. Root needed.
#   bench/netlink-vs-ip.sh [rounds]        JAVA=/path/to/java to choose the JVM
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
exec "$java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" \
    io.netmgr.bench.NetlinkVsIp "${1:-5}"
