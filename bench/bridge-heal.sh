#!/bin/sh
# How long a bridge deleted by hand (`ip link del`) stays gone while netmgrd runs: from the
# deletion to the bridge being back with its ports attached and up, median and range of N
# deletions. netmgrd watches link events (RTM_DELLINK) and repairs at once; this measures that
# end to end, polled from outside with `ip` every 5 ms (so the figure includes up to one poll).
# One netmgrd on a fresh state dir, with a namespace playing the host, a network with two
# containers (one publishing a port); all removed at the end.
#   bench/bridge-heal.sh [N]   default 20; needs root and curl
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-20}
mvn -B -q -o package -DskipTests -pl dist -am
work=$(mktemp -d /tmp/netmgr-bench-heal-XXXXXX)
ns=nmb-heal-$$
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        for s in a b; do api DELETE "/v1/sandboxes/$s" >/dev/null 2>&1 || true; done
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
api() { # METHOD PATH [JSON]
    curl -sf --unix-socket "$work/s" -X "$1" ${3:+-H 'Content-Type: application/json' -d "$3"} "http://netmgrd$2"
}

ip netns add "$ns"
dist/target/netmgr/bin/netmgrd --socket "$work/s" --state-dir "$work/state" --host-netns "$ns" 2>"$work/log" &
pid=$!
for _ in $(seq 3000); do api GET /health >/dev/null 2>&1 && break; sleep 0.01; done
api POST /v1/networks '{"name":"heal","subnets":[{"subnet":"10.199.0.0/24"}]}' >/dev/null
api POST /v1/sandboxes '{"name":"a"}' >/dev/null
api POST /v1/sandboxes '{"name":"b"}' >/dev/null
api POST /v1/endpoints '{"network":"heal","name":"a","sandbox":"a","ports":["18080:80"]}' >/dev/null
api POST /v1/endpoints '{"network":"heal","name":"b","sandbox":"b"}' >/dev/null
bridge=$(ip -n "$ns" -o link show type bridge | sed -n 's/^[0-9]*: \(nm-[0-9a-f]*\):.*/\1/p')

: >"$work/times"
for _ in $(seq "$n"); do
    t0=$(date +%s%N)
    ip -n "$ns" link del "$bridge"
    while [ "$(ip -n "$ns" -o link show master "$bridge" up 2>/dev/null | wc -l)" -lt 2 ]; do
        [ $(( $(date +%s%N) - t0 )) -lt 10000000000 ] || { cat "$work/log" >&2; echo "not back within 10 s" >&2; exit 1; }
        sleep 0.005
    done
    echo $(( ($(date +%s%N) - t0) / 1000000 )) >>"$work/times"
    sleep 0.2 # the firewall's reprogramming after the ports, before the next deletion
done
echo "bridge $bridge deleted by hand $n times under netmgrd, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
sort -n "$work/times" | awk '{v[NR] = $1} END {printf "back with its 2 ports: median %d ms (%d-%d)\n", v[int((NR + 1) / 2)], v[1], v[NR]}'
