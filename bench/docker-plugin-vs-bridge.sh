#!/bin/sh
# dockerd's containers on a netmgr network (through netmgrd's Docker plugin) vs. on dockerd's
# built-in bridge driver, in the same dockerd, in one run:
#   - N x (docker run -d -p PORT:8080 + docker rm -f) on each network, one published port each;
#   - N x (docker network create + docker network rm) with each driver.
# dockerd (Debian's docker.io) runs with its own data root, exec root and socket, in a fresh
# namespace that plays its host, and in a mount namespace of its own whose /run/docker/plugins
# is this run's plugin directory (dockerd looks for plugins there only); its own iptables rules
# are on (--iptables=true, in that namespace only), so the built-in bridge does its usual work;
# --userland-proxy=false for both. Everything is removed at the end.
#   bench/docker-plugin-vs-bridge.sh [N]   needs root, docker.io, busybox-static
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
n=${1:-50}
command -v dockerd >/dev/null || { echo "needs dockerd: apt-get install docker.io" >&2; exit 2; }
[ -x /bin/busybox ] || { echo "needs a static busybox: apt-get install busybox-static" >&2; exit 2; }
mvn -B -q -o package -DskipTests -pl dist -am
dir=$(mktemp -d /tmp/netmgr-docker-plugin-XXXXXX)
ns=nmb-dockerplugin-$$
npid=""
dpid=""
cleanup() {
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null || true
    [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null || true
    grep -o " $dir[^ ]*" /proc/self/mountinfo | sort -ru | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
mkdir -p "$dir/plugins" "$dir/exec/netns" "$dir/rootfs/bin" "$dir/rootfs/www"
# dockerd's container namespaces must be seen by netmgrd, which runs in this mount namespace
mount --bind "$dir/exec/netns" "$dir/exec/netns"
mount --make-shared "$dir/exec/netns"
echo '{}' >"$dir/daemon.json"

dist/target/netmgr/bin/netmgrd --socket "$dir/netmgr.sock" --state-dir "$dir/netmgr" --host-netns "$ns" \
    --docker-plugin "$dir/plugins/netmgr.sock" 2>"$dir/netmgrd.log" &
npid=$!
nsenter --net="/run/netns/$ns" unshare --mount --propagation unchanged sh -c "mount -t tmpfs tmpfs /run \
    && mkdir -p /run/docker/plugins && mount --bind '$dir/plugins' /run/docker/plugins \
    && exec dockerd --data-root '$dir/data' --exec-root '$dir/exec' -H 'unix://$dir/docker.sock' --pidfile '$dir/docker.pid' \
       --config-file '$dir/daemon.json' --userland-proxy=false --bridge=none --storage-driver=vfs --shutdown-timeout=2" \
    >"$dir/dockerd.log" 2>&1 &
dpid=$!
i=0
until [ -S "$dir/plugins/netmgr.sock" ] && [ -S "$dir/docker.sock" ] && docker -H "unix://$dir/docker.sock" version >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 1200 ] || { echo "the daemons did not start:"; cat "$dir/netmgrd.log" "$dir/dockerd.log"; exit 1; }
    sleep 0.1
done
export DOCKER_HOST="unix://$dir/docker.sock" DOCKER_CONFIG="$dir/cli"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for a in sh httpd sleep; do ln -s busybox "$dir/rootfs/bin/$a"; done
echo ok >"$dir/rootfs/www/index.html"
tar -C "$dir/rootfs" -c . | docker import - netmgr-bench:1 >/dev/null
docker network create -d netmgr bench-netmgr >/dev/null
docker network create -d bridge bench-bridge >/dev/null

now() { date +%s%N; }
# N runs with a published port, each removed at once; prints the mean ms per run + rm
runs() {
    t0=$(now)
    k=0
    while [ $k -lt "$2" ]; do
        docker run -d --name "b$k" --network "$1" -p "$((20000 + k)):8080" netmgr-bench:1 httpd -f -p 8080 -h /www >/dev/null
        docker rm -f "b$k" >/dev/null
        k=$((k + 1))
    done
    echo $(( ($(now) - t0) / 1000000 / $2 ))
}
# N network create + rm with driver $1
networks() {
    t0=$(now)
    k=0
    while [ $k -lt "$2" ]; do
        docker network create -d "$1" "bn$k" >/dev/null
        docker network rm "bn$k" >/dev/null
        k=$((k + 1))
    done
    echo $(( ($(now) - t0) / 1000000 / $2 ))
}
echo "$(dockerd --version); $(nproc) cores; N=$n"
runs bench-netmgr 3 >/dev/null # warm-up: the JIT, dockerd's first run
runs bench-bridge 3 >/dev/null
a1=$(runs bench-netmgr "$n"); b1=$(runs bench-bridge "$n")
a2=$(runs bench-netmgr "$n"); b2=$(runs bench-bridge "$n")
echo "run -d -p + rm -f, ms each: netmgr $a1 / $a2, bridge $b1 / $b2"
awk -v a="$((a1 + a2))" -v b="$((b1 + b2))" 'BEGIN { printf "run + rm: netmgr / bridge = %.2fx (goal: at most 1.0x)\n", a / b }'
c=$(networks netmgr "$n"); d=$(networks bridge "$n")
echo "network create + rm, ms each: netmgr $c, bridge $d"
awk -v a="$c" -v b="$d" 'BEGIN { printf "network create + rm: netmgr / bridge = %.2fx\n", a / b }'
