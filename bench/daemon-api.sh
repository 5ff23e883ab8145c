#!/bin/sh
# netmgrd's REST API through its unix socket: network create/rm, network inspect (netmgr's and
# Docker's) and endpoint create+join/rm (req/s, p50, p99) with 1 and 16 concurrent clients, and
# the daemon's RSS idle and with 1,000 sandboxes each joined by one endpoint. A fresh namespace plays the host
# (firewall: nftables in it); everything the run made is removed at the end, also on failure.
#   bench/daemon-api.sh [OPS_PER_CLIENT]   needs root
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
ops=${1:-100}
mvn -B -q -o package -DskipTests -pl dist,bench -am
ns=nmb-daemon-$$
dir=$(mktemp -d /tmp/netmgr-bench-daemon-XXXXXX)
pid=""
cleanup() {
    # the sandboxes a failed run left are namespaces of the machine's /run/netns: netmgrd removes them
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        left=$(dist/target/netmgr/bin/netmgr -H "unix://$dir/netmgr.sock" sandbox ls -q 2>/dev/null) || left=""
        [ -z "$left" ] || dist/target/netmgr/bin/netmgr -H "unix://$dir/netmgr.sock" sandbox rm $left >/dev/null 2>&1 || true
    fi
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
t0=$(date +%s%N)
dist/target/netmgr/bin/netmgrd --socket "$dir/netmgr.sock" --state-dir "$dir/state" --host-netns "$ns" 2>"$dir/log" &
pid=$!
# the socket appears a moment before netmgrd logs how long it took to get ready: wait for both
until [ -S "$dir/netmgr.sock" ] && grep -q 'ready in' "$dir/log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/log"; exit 1; }
    sleep 0.01
done
echo "netmgrd listening $(( ($(date +%s%N) - t0) / 1000000 )) ms after launch ($(grep -o 'ready in.*' "$dir/log"))"
java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" io.netmgr.bench.DaemonApi \
    "$dir/netmgr.sock" "$pid" "$ops"
