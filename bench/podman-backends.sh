#!/usr/bin/env bash
# podman-backends.sh - what a podman user waits for, per network backend, side by side in one run:
#   netavark   podman's default: netavark + aardvark-dns (Debian's), iptables
#   cni-ref    the reference CNI chain: bridge, host-local, portmap, firewall, tuning
#   netmgr     CNI netmgr handed to a netmgrd this script starts (its own socket and state dir)
#   none       --network none: the floor, what podman and runc cost without a network
# Every round runs each backend once, in an order rotated every round, three phases each, one
# published port (-p HOSTPORT:80): `run --rm` (ADD and DEL), `run -d` (ADD), `rm -f -t 0` (DEL).
# Prints p50/p90 per phase and backend, the network's share (p50 minus none's), and netmgrd's own
# share (its /metrics).
# usage: bench/podman-backends.sh [ROUNDS]   (default 30; root; build first:
#        mvn -q -pl cni-plugin,dist -am package -DskipTests; apt-get install podman netavark aardvark-dns busybox-static)
# Each backend has its own CONTAINERS_CONF, --root, --runroot and --tmpdir under a temp dir, runc,
# the vfs storage driver and a busybox root filesystem (--rootfs: no image, no registry). What the
# backends leave in the file system is removed at the end: netavark's /run/containers/networks
# entries, CNI's cache of our networks. Every step runs in a network namespace this script makes
# to play the host (nmb-podman-PID: see bench/host-namespace.sh), never in the machine's own: the
# backends' bridges, iptables chains and nft tables, netmgr's table and claim on lo, aardvark-dns
# and ip_forward all land there, and deleting it at the end (also on failure or interrupt) removes
# them. All four backends share it, so they stay comparable with one another.
set -euo pipefail
ROUNDS=${1:-30}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
PLUGIN=$ROOT/dist/target/netmgr/bin/netmgr-cni
for need in "$PLUGIN" /usr/bin/podman /usr/lib/podman/netavark /usr/lib/cni/bridge /bin/busybox /usr/sbin/runc; do
  [ -x "$need" ] || { echo "missing $need (build first; apt-get install podman netavark aardvark-dns busybox-static containernetworking-plugins runc)" >&2; exit 2; }
done
. "$HERE/host-namespace.sh"
in_host_namespace || run_in_host_namespace podman bash "${BASH_SOURCE[0]}" "$@"

# from here on, inside namespace $NMB_HOST_NS

WORK=$(mktemp -d /tmp/podman-backends.XXXXXX)
BACKENDS=(netavark cni-ref netmgr none)
declare -A PORT=([netavark]=21081 [cni-ref]=21082 [netmgr]=21083 [none]=0)
declare -A NET=([netavark]=nmbench-nv [cni-ref]=nmbench-ref [netmgr]=nmbench-nm [none]=none)
had_run_containers=0; [ -d /run/containers ] && had_run_containers=1
daemon_pid=""

pod() { # backend args...: podman with that backend's configuration and storage
  local b=$1; shift
  CONTAINERS_CONF=$WORK/$b/containers.conf podman --root "$WORK/$b/root" --runroot "$WORK/$b/run" \
    --tmpdir "$WORK/$b/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend none "$@"
}

cleanup() {
  set +e
  trap '' INT TERM HUP # a second Ctrl-C while netmgrd stops must not cut the cleanup short
  for b in "${BACKENDS[@]}"; do
    [ -f "$WORK/$b/containers.conf" ] || continue
    pod "$b" rm -a -f -t 0 >/dev/null 2>&1
    [ "$b" = netavark ] && pod "$b" network rm -f "${NET[$b]}" >/dev/null 2>&1
  done
  if [ -n "$daemon_pid" ]; then
    # its first stop on JDK 25 writes its AOT cache (seconds); one that hangs is killed, not waited for
    kill "$daemon_pid" 2>/dev/null
    for _ in $(seq 1200); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null
  fi
  # aardvark-dns outlives the last container of a network; it is ours when its config names our network
  local pidfile=/run/containers/networks/aardvark-dns/aardvark.pid
  if [ -f "$pidfile" ] && [ ! -s /run/containers/networks/aardvark-dns/"${NET[netavark]}" ] ; then
    kill "$(cat "$pidfile")" 2>/dev/null
  fi
  if [ $had_run_containers = 0 ]; then rm -rf /run/containers; else rm -rf /run/containers/networks/aardvark-dns/"${NET[netavark]}"; fi
  rm -rf /var/lib/cni/networks/"${NET[cni-ref]}" /var/lib/cni/networks/"${NET[netmgr]}"
  rm -f /var/lib/cni/results/"${NET[cni-ref]}"-* /var/lib/cni/results/"${NET[netmgr]}"-*
  rm -rf "$WORK"
}
trap cleanup EXIT
# Ctrl-C, kill or a closed terminal end the script through cleanup too, with the usual status
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# a busybox root filesystem: true and sleep are all a container here runs
mkdir -p "$WORK/rootfs/bin" "$WORK/rootfs/proc" "$WORK/rootfs/sys" "$WORK/rootfs/dev" "$WORK/rootfs/etc" "$WORK/rootfs/tmp"
cp /bin/busybox "$WORK/rootfs/bin/"
for a in sh true sleep; do ln -s busybox "$WORK/rootfs/bin/$a"; done

# Podman's default ulimits (nofile 1048576) are over this machine's hard limit, which runc
# cannot raise here (no CAP_SYS_RESOURCE), and it was refused even that limit itself: half of
# the nofile limit for both, the same for every backend.
nofile=$(( $(ulimit -Hn) / 2 )); nproc=$nofile
for b in "${BACKENDS[@]}"; do
  mkdir -p "$WORK/$b/net" "$WORK/$b/root" "$WORK/$b/run" "$WORK/$b/tmp"
  backend=cni; [ "$b" = netavark ] || [ "$b" = none ] && backend=netavark
  plugins='"/usr/lib/cni"'; [ "$b" = netmgr ] && plugins="\"$WORK/netmgr/bin\", \"/usr/lib/cni\""
  cat >"$WORK/$b/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"
[engine]
runtime = "runc"
[network]
network_backend = "$backend"
network_config_dir = "$WORK/$b/net"
cni_plugin_dirs = [$plugins]
CONF
done

pod netavark network create --subnet 10.233.1.0/24 "${NET[netavark]}" >/dev/null
cat >"$WORK/cni-ref/net/${NET[cni-ref]}.conflist" <<CONF
{ "cniVersion": "1.0.0", "name": "${NET[cni-ref]}", "plugins": [
  { "type": "bridge", "bridge": "nmbench-ref0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.233.2.0/24", "gateway": "10.233.2.1" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "portmap", "capabilities": { "portMappings": true } },
  { "type": "firewall", "backend": "iptables" },
  { "type": "tuning" } ] }
CONF
mkdir -p "$WORK/netmgr/bin" "$WORK/netmgr/state"
ln -s "$PLUGIN" "$WORK/netmgr/bin/netmgr"
cat >"$WORK/netmgr/net/${NET[netmgr]}.conflist" <<CONF
{ "cniVersion": "1.0.0", "name": "${NET[netmgr]}", "plugins": [
  { "type": "netmgr", "bridge": "nmbench-nm0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "daemonSocket": "$WORK/netmgr/netmgr.sock", "stateDir": "$WORK/netmgr/state",
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.233.3.0/24", "gateway": "10.233.3.1" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] },
    "capabilities": { "portMappings": true } } ] }
CONF
"$ROOT/dist/target/netmgr/bin/netmgrd" --socket "$WORK/netmgr/netmgr.sock" --state-dir "$WORK/netmgr/state" \
  2>"$WORK/netmgrd.log" &
daemon_pid=$!
for _ in $(seq 150); do [ -S "$WORK/netmgr/netmgr.sock" ] && break; sleep 0.1; done
[ -S "$WORK/netmgr/netmgr.sock" ] || { cat "$WORK/netmgrd.log" >&2; exit 1; }

ms() { # label command...: runs it, appends its milliseconds to $WORK/label
  local label=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>"$WORK/last.err" || { echo "$label failed: $(cat "$WORK/last.err")" >&2; return 1; }
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 )) >>"$WORK/$label"
}

one_round() { # backend round
  local b=$1 r=$2 publish=()
  [ "$b" = none ] || publish=(-p "${PORT[$b]}:80")
  local run=(run --network "${NET[$b]}" "${publish[@]}")
  ms "$b.run-rm" pod "$b" "${run[@]}" --rm --rootfs "$WORK/rootfs" /bin/true
  ms "$b.run-d" pod "$b" "${run[@]}" -d --name "bench-$b-$r" --rootfs "$WORK/rootfs" /bin/sleep 600
  ms "$b.rm-f" pod "$b" rm -f -t 0 "bench-$b-$r"
}

# one warm-up round, not counted: first use makes the bridges and the firewall tables
for b in "${BACKENDS[@]}"; do one_round "$b" 0; done
rm -f "$WORK"/*.run-rm "$WORK"/*.run-d "$WORK"/*.rm-f
load_start=$(cut -d' ' -f1 /proc/loadavg)
for r in $(seq "$ROUNDS"); do
  n=${#BACKENDS[@]}
  for i in $(seq 0 $((n - 1))); do one_round "${BACKENDS[$(( (i + r) % n ))]}" "$r"; done
done
load_end=$(cut -d' ' -f1 /proc/loadavg)

quantile() { sort -n "$1" | awk -v q="$2" '{v[NR]=$1} END {i=int(NR*q+0.5); if (i<1) i=1; printf "%.0f", v[i]/1000}'; }
echo "podman $(podman --version | cut -d' ' -f3), $ROUNDS rounds, order rotated; ms; load average $load_start at the start, $load_end at the end"
printf '%-10s %14s %14s %14s %18s %18s\n' backend "run --rm p50/p90" "run -d p50/p90" "rm -f p50/p90" "net share run -d" "net share run --rm"
none_d=$(quantile "$WORK/none.run-d" 0.5); none_rm=$(quantile "$WORK/none.run-rm" 0.5)
for b in "${BACKENDS[@]}"; do
  share_d=-; share_rm=-
  if [ "$b" != none ]; then
    share_d=$(( $(quantile "$WORK/$b.run-d" 0.5) - none_d )); share_rm=$(( $(quantile "$WORK/$b.run-rm" 0.5) - none_rm ))
  fi
  printf '%-10s %14s %14s %14s %18s %18s\n' "$b" \
    "$(quantile "$WORK/$b.run-rm" 0.5)/$(quantile "$WORK/$b.run-rm" 0.9)" \
    "$(quantile "$WORK/$b.run-d" 0.5)/$(quantile "$WORK/$b.run-d" 0.9)" \
    "$(quantile "$WORK/$b.rm-f" 0.5)/$(quantile "$WORK/$b.rm-f" 0.9)" "$share_d" "$share_rm"
done
curl -s --unix-socket "$WORK/netmgr/netmgr.sock" http://netmgrd/metrics |
  sed -n 's/^netmgr_operation_seconds{operation="cni\.\([a-z]*\)",outcome="ok",quantile="0\.5"} \(.*\)/\1 \2/p' |
  awk '{printf "netmgrd own share, p50: cni.%s %.1f ms\n", $1, $2 * 1000}'
