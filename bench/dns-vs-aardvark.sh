#!/bin/sh
# The containers' resolver against podman's aardvark-dns 1.4, in one run, serving the same 20
# container names, asked by dnsperf from inside a container's namespace: netmgr on 127.0.0.11
# in that sandbox, aardvark on the network's gateway (podman's layout), the bridge and the 21
# sandboxes (20 named, 1 asking) made by netmgrd. For each: saturation (queries/s and average
# latency at dnsperf's default 100 outstanding queries) and a fixed 10,000 queries/s (average
# latency, lost queries). A fresh namespace plays the host; everything the run made is removed
# at the end, also on failure.
#   bench/dns-vs-aardvark.sh [SECONDS]   needs root, dnsperf and aardvark-dns (Debian: apt-get
#                                        install dnsperf aardvark-dns)
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
secs=${1:-10}
aardvark=/usr/lib/podman/aardvark-dns
command -v dnsperf >/dev/null || { echo "needs dnsperf (apt-get install dnsperf)"; exit 1; }
[ -x "$aardvark" ] || { echo "needs aardvark-dns 1.4 (apt-get install aardvark-dns)"; exit 1; }
mvn -B -q -o package -DskipTests -pl dist -am
netmgr=dist/target/netmgr/bin/netmgr
ns=nmb-dns-$$
dir=$(mktemp -d /tmp/netmgr-bench-dns-XXXXXX)
pid=""
cleanup() {
    [ -f "$dir/aardvark/aardvark.pid" ] && kill "$(cat "$dir/aardvark/aardvark.pid")" 2>/dev/null || true
    if [ -n "$pid" ]; then
        for s in $("$netmgr" -H "unix://$dir/netmgr.sock" sandbox ls -q 2>/dev/null); do
            "$netmgr" -H "unix://$dir/netmgr.sock" sandbox rm "$s" >/dev/null 2>&1 || true
        done
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
# no upstream: every name asked is a container's
dist/target/netmgr/bin/netmgrd --socket "$dir/netmgr.sock" --state-dir "$dir/state" --host-netns "$ns" \
    --dns-upstream 127.0.0.1:1 2>"$dir/log" &
pid=$!
until [ -S "$dir/netmgr.sock" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/log"; exit 1; }
    sleep 0.01
done
nm() { "$netmgr" -H "unix://$dir/netmgr.sock" "$@"; }
nm network create --subnet 10.231.0.0/24 --gateway 10.231.0.1 benchdns >/dev/null
mkdir -p "$dir/aardvark"
echo "10.231.0.1" > "$dir/aardvark/benchdns"
: > "$dir/queries"
for i in $(seq -w 1 21); do
    name=c$i
    [ "$i" = 21 ] && name=asker
    nm sandbox create "$name" >/dev/null
    nm network connect --ip "10.231.0.$((1$i - 100 + 10))" benchdns "$name" >/dev/null
    # aardvark's line: container id, IPv4 addresses, IPv6 addresses, names
    printf '%s 10.231.0.%d  %s\n' "$(echo "$name" | sha256sum | cut -c1-64)" "$((1$i - 100 + 10))" "$name" \
        >> "$dir/aardvark/benchdns"
    [ "$name" = asker ] || echo "$name A" >> "$dir/queries"
done
asker=$(nm sandbox inspect asker | sed -n 's/.*"namespacePath" *: *"\([^"]*\)".*/\1/p')
asker_ns=$(basename "$asker")
# aardvark-dns runs in the namespace playing the host, on the bridge's gateway, port 53; it forks
# itself into the background and writes its pid in its config directory
ip netns exec "$ns" "$aardvark" --config "$dir/aardvark" -p 53 run >"$dir/aardvark.log" 2>&1
until ip netns exec "$asker_ns" dig +short +tries=1 +time=1 @10.231.0.1 c01 | grep -q 10.231.0.11; do sleep 0.1; done
until ip netns exec "$asker_ns" dig +short +tries=1 +time=1 @127.0.0.11 c01 | grep -q 10.231.0.11; do sleep 0.1; done
echo "# $(date -u +%FT%TZ) $(nproc) cores $(uname -r); $secs s per run; dnsperf from sandbox asker ($asker_ns)"
perf() { # label server extra-args...
    label=$1 server=$2
    shift 2
    ip netns exec "$asker_ns" dnsperf -s "$server" -d "$dir/queries" -l "$secs" "$@" >"$dir/perf" 2>&1
    sent=$(sed -n 's/ *Queries sent: *\([0-9]*\).*/\1/p' "$dir/perf")
    lost=$(sed -n 's/ *Queries lost: *\([0-9]*\).*/\1/p' "$dir/perf")
    qps=$(sed -n 's/ *Queries per second: *\([0-9.]*\).*/\1/p' "$dir/perf")
    avg=$(sed -n 's/ *Average Latency (s): *\([0-9.]*\).*/\1/p' "$dir/perf")
    printf '%-34s %10s q/s  avg %8.3f ms  sent %8s  lost %s\n' "$label" "$qps" "$(echo "$avg * 1000" | bc -l)" "$sent" "$lost"
}
# warm netmgrd's JIT before measuring it
ip netns exec "$asker_ns" dnsperf -s 127.0.0.11 -d "$dir/queries" -l 5 >/dev/null 2>&1
# in turns, twice: a neighbour's load on a shared machine then weighs on both
for round in 1 2; do
    perf "netmgr (127.0.0.11) saturation" 127.0.0.11
    perf "aardvark (10.231.0.1) saturation" 10.231.0.1
    perf "netmgr (127.0.0.11) 10,000 q/s" 127.0.0.11 -Q 10000
    perf "aardvark (10.231.0.1) 10,000 q/s" 10.231.0.1 -Q 10000
done
