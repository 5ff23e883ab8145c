#!/bin/sh
# The overlay at scale on a real 3-member etcd (started here on loopback, free ports, temp data
# dirs; stopped and removed at the end): simulated hosts x endpoints written straight to etcd,
# one real host (a namespace) programming the whole peer table, its RSS, then churn and the write
# rate etcd sustained. See OverlayScale. Root needed; etcd-server.
#   bench/overlay-scale.sh [hosts] [endpoints-per-host] [churn-seconds] [churn-percent]   JAVA=/path/to/java
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
java=${JAVA:-java}
. bench/etcd3.sh
etcd3_in_temp scale
"$java" --enable-native-access=ALL-UNNAMED -Dnetmgr.bench.etcd="$clients" -cp "bench/target/classes:bench/target/lib/*" \
    io.netmgr.bench.OverlayScale "${1:-1000}" "${2:-100}" "${3:-30}" "${4:-1}"
echo "etcd db size after the run: $(du -sh "$work/etcd0" | cut -f1) (member 0)"
