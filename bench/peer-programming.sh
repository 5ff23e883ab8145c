#!/bin/sh
# Programming overlay peers (FDB + permanent neighbour each) one netlink request at a time vs in
# NetlinkBatch sends, side by side in one run, each round in a fresh namespace. Root needed.
#   bench/peer-programming.sh [peers] [rounds]        JAVA=/path/to/java to choose the JVM
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
exec "$java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" \
    io.netmgr.bench.PeerProgramming "${1:-20000}" "${2:-5}"
