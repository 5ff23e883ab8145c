#!/bin/sh
# Host death detection in a cluster: from kill -9 of host A's netmgrd to
#   (1) the delete of A's lease-bound record /netmgr/hosts/<id> in etcd, as a watch sees it
#       (etcdctl watch, the same etcd watch stream every other host's netmgrd follows), and
#   (2) host B's netmgrd logging A down (its HostRegistry told by that watch).
# N runs with the default lease TTL (2 s, keep-alive every 2/3 s), p50 and range. Each run
# restarts A's netmgrd on its state dir and waits for its record first. A 3-member etcd on
# loopback (free ports), two namespaces playing the hosts; all stopped and removed at the end.
#   bench/host-death.sh [N]   default 10; needs root, etcd-server (etcd, etcdctl), python3
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-10}
mvn -B -q -o package -DskipTests -pl dist -am
work=$(mktemp -d /tmp/netmgr-bench-death-XXXXXX)
nsa=nmb-hda-$$
nsb=nmb-hdb-$$
etcd_pids=""
pida=""
pidb=""
cleanup() {
    for p in $pida $pidb $etcd_pids; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$nsa" 2>/dev/null || true
    ip netns del "$nsb" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

. bench/etcd3.sh
start_etcd3 "$work"
export ETCDCTL_API=3
store="etcd://$clients"

ip netns add "$nsa"
ip netns add "$nsb"
# netmgrd checks --advertise-addr against its host namespace's addresses: each "host" holds its own
ip -n "$nsa" addr add 192.0.2.1/32 dev lo
ip -n "$nsb" addr add 192.0.2.2/32 dev lo
start_a() {
    dist/target/netmgr/bin/netmgrd --socket "$work/a.sock" --state-dir "$work/a" --host-netns "$nsa" \
        --cluster-store "$store" --advertise-addr 192.0.2.1 >>"$work/a.log" 2>&1 &
    pida=$!
}
dist/target/netmgr/bin/netmgrd --socket "$work/b.sock" --state-dir "$work/b" --host-netns "$nsb" \
    --cluster-store "$store" --advertise-addr 192.0.2.2 >"$work/b.log" 2>&1 &
pidb=$!

: >"$work/etcd-ms"
: >"$work/peer-ms"
for run in $(seq "$n"); do
    start_a
    ida=""
    for _ in $(seq 1200); do # 120 s at most for the JVM under load
        [ -f "$work/a/host-id" ] && ida=$(cat "$work/a/host-id") && \
            etcdctl --endpoints "$clients" get "/netmgr/hosts/$ida" --keys-only 2>/dev/null | grep -q . && break
        kill -0 "$pida" 2>/dev/null || { cat "$work/a.log" >&2; exit 1; }
        sleep 0.1
    done
    sleep 1 # let A's keep-alives run: the kill falls anywhere in their period
    etcdctl --endpoints "$clients" watch "/netmgr/hosts/$ida" >"$work/watch" 2>&1 &
    watcher=$!
    sleep 0.5
    before=$(grep -c "is down" "$work/b.log" || true)
    t0=$(now_ms)
    kill -9 "$pida"; wait "$pida" 2>/dev/null || true; pida=""
    t1=""
    for _ in $(seq 3000); do # 30 s at most
        if grep -q DELETE "$work/watch"; then t1=$(now_ms); break; fi
        sleep 0.005
    done
    kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true
    [ -n "$t1" ] || { echo "no delete of A's record within 30 s" >&2; exit 1; }
    for _ in $(seq 300); do [ "$(grep -c "is down" "$work/b.log" || true)" -gt "$before" ] && break; sleep 0.1; done
    stamp=$(grep "is down" "$work/b.log" | tail -1 | cut -d' ' -f1)
    t2=$(( $(date -d "$(echo "$stamp" | sed 's/\([0-9]\{2\}\)\([0-9]\{2\}\)$/\1:\2/')" +%s%N) / 1000000 ))
    echo $(( t1 - t0 )) >>"$work/etcd-ms"
    echo $(( t2 - t0 )) >>"$work/peer-ms"
    echo "run $run: record deleted after $(( t1 - t0 )) ms, host B logged A down after $(( t2 - t0 )) ms"
done

stats() { sort -n "$1" | awk '{v[NR] = $1} END {printf "p50 %5d ms (min %d, max %d, %d runs)", v[int((NR + 1) / 2)], v[1], v[NR], NR}'; }
echo "host death detection, default lease TTL 2 s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  kill -9 -> A's record deleted (etcd watch):  $(stats "$work/etcd-ms")"
echo "  kill -9 -> host B's netmgrd logs A down:     $(stats "$work/peer-ms")"
