#!/bin/sh
# Overlay convergence on one real 3-member etcd, two builds side by side: OTHER (a checkout of
# another commit, built with `mvn -B -q package -DskipTests -pl bench -am` there) and this tree,
# alternating run by run, so that the machine's load falls on both alike. Throughput is left out:
# OverlayConvergence is run with "convergence" as its third argument (its choice of what to
# measure: convergence, throughput or both). An OTHER built before that argument existed ignores
# it and measures its throughput after the convergence: the same figures, a longer run.
# Root and etcd-server needed.
#   bench/overlay-convergence-vs.sh OTHER [endpoints] [cold-rounds] [runs-each]
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
other=$(readlink -f -- "$1")
endpoints=${2:-100}
cold=${3:-20}
runs=${4:-2}
[ -d bench/target/lib ] || mvn -B -q package -DskipTests -pl bench -am
[ -d "$other/bench/target/lib" ] || { echo "build $other first: mvn -B -q package -DskipTests -pl bench -am" >&2; exit 2; }
java=${JAVA:-java}
. bench/etcd3.sh
etcd3_in_temp ovv
echo "other: $other ($(git -C "$other" log -1 --format='%h %s' | cut -c1-80)); this: $(git log -1 --format='%h %s' | cut -c1-80)"
for r in $(seq "$runs"); do
    for tree in "$other" .; do
        label=$([ "$tree" = . ] && echo this || echo other)
        "$java" --enable-native-access=ALL-UNNAMED -Dnetmgr.bench.etcd="$clients" \
            -cp "$tree/bench/target/classes:$tree/bench/target/lib/*" io.netmgr.bench.OverlayConvergence "$endpoints" "$cold" convergence 2>/dev/null \
            | grep -E '^(overlay|cluster store|warm|cold|removal|RESULT)' | sed "s/^/$label run $r: /"
    done
done
