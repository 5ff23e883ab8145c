#!/bin/sh
# docker network create / rm through the Docker Engine API: netmgrd beside dockerd (Debian's
# docker.io, started by hand with --bridge=none on a temp data root), the same requests to each
# (DockerNetworkChurn), in one run. Each daemon runs in a fresh namespace that plays its host,
# so neither touches this machine's interfaces or rules; everything is removed at the end.
# dockerd enters its namespace with nsenter, not `ip netns exec`, which would remount /sys and
# hide the cgroup mounts dockerd needs.
#   bench/networks-vs-dockerd.sh [N]   needs root and docker.io (apt-get install docker.io)
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-200}
command -v dockerd >/dev/null || { echo "needs dockerd: apt-get install docker.io" >&2; exit 2; }
mvn -B -q -o package -DskipTests -pl dist,bench -am
dir=$(mktemp -d /tmp/netmgr-vs-dockerd-XXXXXX)
nsn=nmb-netmgrd-$$
nsd=nmb-dockerd-$$
npid=""
dpid=""
cleanup() {
    [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null || true
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null || true
    ip netns del "$nsn" 2>/dev/null || true
    ip netns del "$nsd" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
for ns in "$nsn" "$nsd"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done

dist/target/netmgr/bin/netmgrd --socket "$dir/netmgr.sock" --state-dir "$dir/netmgr" --host-netns "$nsn" 2>"$dir/netmgrd.log" &
npid=$!
nsenter --net="/run/netns/$nsd" dockerd --data-root "$dir/docker" --exec-root "$dir/docker-exec" --pidfile "$dir/docker.pid" \
    -H "unix://$dir/docker.sock" --bridge=none >"$dir/dockerd.log" 2>&1 &
dpid=$!
for s in netmgr docker; do
    i=0
    until [ -S "$dir/$s.sock" ] && curl -sf --unix-socket "$dir/$s.sock" http://x/_ping >/dev/null; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "$s did not start:"; cat "$dir/${s}d.log"; exit 1; }
        sleep 0.05
    done
done
echo "$(dockerd --version)"
cp="bench/target/classes:bench/target/lib/*"
java -cp "$cp" io.netmgr.bench.DockerNetworkChurn netmgrd "$dir/netmgr.sock" "$n" | tee "$dir/netmgrd.txt" | grep -v ^RESULT
java -cp "$cp" io.netmgr.bench.DockerNetworkChurn dockerd "$dir/docker.sock" "$n" | tee "$dir/dockerd.txt" | grep -v ^RESULT
for op in network_create network_rm; do
    a=$(sed -n "s/^RESULT daemon=netmgrd op=$op per_s=\([0-9.]*\).*/\1/p" "$dir/netmgrd.txt")
    b=$(sed -n "s/^RESULT daemon=dockerd op=$op per_s=\([0-9.]*\).*/\1/p" "$dir/dockerd.txt")
    awk -v a="$a" -v b="$b" -v op="$op" 'BEGIN { printf "%s: netmgrd / dockerd = %.1fx (goal: 5x)\n", op, a / b }'
done
