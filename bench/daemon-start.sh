#!/bin/sh
# netmgrd's start: from launching bin/netmgrd to its first answer on /health (the store
# reconciled against the kernel and the firewall rules taken over), median and range of N
# starts, for each JDK installed (17, 25) without and with the class data sharing archive, and
# the CPU time the daemon had used by then (both cores count). Each start is a fresh daemon
# on a fresh state dir in a fresh namespace playing the host; all removed at the end.
#   bench/daemon-start.sh [N]   default 10; needs root and curl
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-10}
mvn -B -q -o package -DskipTests -pl dist -am
work=$(mktemp -d /tmp/netmgr-bench-start-XXXXXX)
ns=nmb-start-$$
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# One start: prints "MS CPU_MS" (launch to first /health answer; user+sys CPU of the daemon then).
start_once() {
    ip netns add "$ns"
    run=$(mktemp -d "$work/run-XXXXXX")
    t0=$(date +%s%N)
    dist/target/netmgr/bin/netmgrd --socket "$run/s" --state-dir "$run/state" --host-netns "$ns" 2>"$run/log" &
    pid=$!
    ok=""
    for _ in $(seq 3000); do # 30 s at most
        if curl -sf --unix-socket "$run/s" http://netmgrd/health >/dev/null 2>&1; then ok=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
    done
    t1=$(date +%s%N)
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    [ -n "$ok" ] || { cat "$run/log" >&2; echo "netmgrd did not answer /health" >&2; exit 1; }
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    ip netns del "$ns"
    echo "$(( (t1 - t0) / 1000000 )) $(( ticks * 1000 / $(getconf CLK_TCK) ))"
}

# Median and range of column $1 of the lines on stdin.
stats() {
    sort -n -k"$1" | awk -v c="$1" '{v[NR] = $c} END {printf "median %5d ms (%d-%d)", v[int((NR + 1) / 2)], v[1], v[NR]}'
}

series() { # label, then the environment is the daemon's
    label=$1
    : >"$work/times"
    for _ in $(seq "$n"); do start_once >>"$work/times"; done
    printf '%-34s health %s   cpu %s\n' "$label" "$(stats 1 <"$work/times")" "$(stats 2 <"$work/times")"
}

echo "netmgrd start to first /health answer, $n starts each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for java in /usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; do
    [ -x "$java" ] || continue
    major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    export NETMGR_JAVA="$java"
    NETMGR_CDS_DIR="" series "JDK $major, no archive"
    export NETMGR_CDS_DIR="$work/cds-$major"
    start_once >/dev/null # writes the archive when it exits
    series "JDK $major, archive"
    unset NETMGR_CDS_DIR
done
