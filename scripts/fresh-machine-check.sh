#!/bin/sh
# Proves README.md's two commands on a fresh Debian 12: builds a minimal root filesystem with
# debootstrap, gives it proc, sys, dev and a tmpfs on /run, copies this machine's extra CA
# certificates into it (the package registries may need them), puts a clean checkout of the
# current commit in /root/netmgr and runs each command, copied from the README, in a mount
# namespace whose root it is (pivot_root, as on a booted machine; not a mere chroot), timed. Then checks that the tests left no network namespace behind and
# unmounts and removes everything, also on failure or interruption.
#   sh scripts/fresh-machine-check.sh [WORKDIR]     as root; needs debootstrap and git
#   WORKDIR (default: a new directory in /var/tmp) is where the root filesystem and the logs go.
set -eu
cd "$(dirname -- "$(readlink -f -- "$0")")/.."
repo=$(pwd)

[ "$(id -u)" -eq 0 ] || { echo "fresh-machine-check: run it as root (debootstrap, mount, chroot)" >&2; exit 1; }
for tool in debootstrap git; do
    command -v "$tool" >/dev/null || { echo "fresh-machine-check: needs $tool (apt-get install $tool)" >&2; exit 1; }
done
if [ -n "$(git status --porcelain)" ]; then
    echo "fresh-machine-check: uncommitted changes; it checks the current commit, so commit first" >&2
    exit 1
fi
readme_command() { # the command of the README line starting with $1, as written
    sed -n "s/^$1: \`\\(.*\\)\`\$/\\1/p" README.md
}
build_command=$(readme_command 'Build and run the main job (as root)')
test_command=$(readme_command 'Run the tests (as root)')
[ -n "$build_command" ] && [ -n "$test_command" ] || { echo "fresh-machine-check: README.md lacks its two command lines" >&2; exit 1; }

work=${1:-$(mktemp -d /var/tmp/netmgr-fresh-XXXXXX)}
mkdir -p "$work"
root="$work/root"
[ ! -e "$root" ] || { echo "fresh-machine-check: $root exists already; give another WORKDIR" >&2; exit 1; }

# Everything mounted under $root, deepest first.
mounts_under_root() {
    awk -v r="$root" '$5 == r || index($5, r "/") == 1 {print $5}' /proc/self/mountinfo | sort -r
}
cleanup() {
    status=$?
    trap - EXIT INT TERM
    set +e # every step of the cleanup is tried
    # processes still running in the root filesystem were started by this script's commands (their
    # root, seen from here, is $root's directory: compared by device and inode, as readlink shows
    # "/" for a process whose mount namespace was pivoted there)
    root_id=$(stat -L -c '%d:%i' "$root/" 2>/dev/null)
    for proc in /proc/[0-9]*; do
        [ -n "$root_id" ] && [ "$(stat -L -c '%d:%i' "$proc/root/" 2>/dev/null)" = "$root_id" ] && kill -9 "${proc#/proc/}" 2>/dev/null
    done
    for mount in $(mounts_under_root); do
        umount "$mount" 2>/dev/null || umount -l "$mount"
    done
    if [ -n "$(mounts_under_root)" ]; then
        echo "fresh-machine-check: still mounted under $root, not removed:" >&2
        mounts_under_root >&2
    else
        rm -rf --one-file-system "$root"
        echo "fresh-machine-check: removed $root; logs in $work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

seconds_since() { echo $(( $(date +%s) - $1 )); }

echo "fresh-machine-check: debootstrap --variant=minbase bookworm $root (log: $work/debootstrap.log)"
t0=$(date +%s)
debootstrap --variant=minbase bookworm "$root" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
echo "fresh-machine-check: root filesystem made in $(seconds_since "$t0") s"

# pivot_root (in_chroot) needs the new root to be a mount point
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
# A booted Debian has its cgroups mounted under /sys/fs/cgroup (systemd does it); dockerd refuses
# to start without them ("Devices cgroup isn't mounted"), and DockerPluginIT starts one.
if mountpoint -q /sys/fs/cgroup; then
    mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
    mount --make-rslave "$root/sys/fs/cgroup"
fi
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev" # unmounting the chroot's /dev must not reach the machine's
mount -t tmpfs tmpfs "$root/run"
mkdir -p "$root/usr/local/share/ca-certificates"
for cert in /usr/local/share/ca-certificates/*; do
    [ -e "$cert" ] && cp -r "$cert" "$root/usr/local/share/ca-certificates/"
done
git clone -q "$repo" "$root/root/netmgr"
git -C "$root/root/netmgr" checkout -q "$(git rev-parse HEAD)"
rm -rf "$root/root/netmgr/.git" # a fresh machine has no git: nothing may need it
echo "fresh-machine-check: checkout of $(git rev-parse --short HEAD) in /root/netmgr"

# Runs $2 in the root filesystem from /root/netmgr with a login-like environment; $1 names its log.
# The root filesystem becomes the root of a mount namespace of its own (pivot_root, the machine's
# root unmounted there; private, so nothing of it reaches the machine's mounts), as on a booted
# machine. Under a plain chroot the namespace's root stayed the machine's, and a process joining a
# container's mount namespace (`docker exec`) found the machine's files there, not the container's:
# DockerPluginIT's `docker exec ... nc backend` ran the machine's nc with the machine's
# /etc/resolv.conf and never resolved dockerd's alias (reaching the address worked).
in_chroot() {
    log="$work/$1.log"
    echo "fresh-machine-check: # $2   (log: $log)"
    t0=$(date +%s)
    set +e
    env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
        unshare --mount --propagation private /bin/sh -c '
            old=.machine-root-$$ && cd "$1" && mkdir "$old" && pivot_root . "$old" && cd / && umount -l "/$old" && rmdir "/$old" &&
            exec /bin/sh -c "cd /root/netmgr && $2"' fresh-machine-check "$root" "$2" >"$log" 2>&1
    status=$?
    set -e
    elapsed=$(seconds_since "$t0")
    echo "fresh-machine-check: $1 exit $status after $((elapsed / 60)) min $((elapsed % 60)) s; its last lines:"
    tail -n "$3" "$log" | sed 's/^/    /'
    return "$status"
}
host_state() { # the machine's own namespaces and root-namespace links, one name a line
    { ls -A /run/netns 2>/dev/null | sed 's/^/netns /'; ls /sys/class/net | sed 's/^/link /'; } | sort
}
host_state >"$work/host-before.txt"
failed=""
in_chroot build-and-demo "$build_command" 25 || failed="$failed build-and-demo"
if ! tail -n 1 "$work/build-and-demo.log" | grep -q '^done in [0-9]* ms$'; then
    echo "fresh-machine-check: the first command's output does not end with the demo's last line"
    failed="$failed demo-output"
fi
if grep -n '\[error\]\|\[warning\]' "$work/build-and-demo.log"; then
    echo "fresh-machine-check: the first command printed JVM [error]/[warning] lines (above)"
    failed="$failed jvm-messages"
fi
in_chroot tests "$test_command" 40 || failed="$failed tests"

left=$(ls -A "$root/run/netns" 2>/dev/null || true)
if [ -n "$left" ]; then
    echo "fresh-machine-check: namespaces left in the chroot's /run/netns: $left"
    failed="$failed leftovers"
fi
# The chroot shares the machine's kernel: its namespaces live in its own /run, but links made
# in the root namespace would be the machine's. Others on this machine may make and remove
# their own meanwhile, so these are shown, not judged.
host_state | comm -13 "$work/host-before.txt" - >"$work/host-new.txt"
if [ -s "$work/host-new.txt" ]; then
    echo "fresh-machine-check: on the machine since the start (made by this run or by another user?):"
    sed 's/^/    /' "$work/host-new.txt"
else
    echo "fresh-machine-check: no new namespace in /run/netns and no new link in the root namespace"
fi
if [ -n "$failed" ]; then
    echo "fresh-machine-check: FAILED:$failed"
    exit 1
fi
echo "fresh-machine-check: both README commands passed on a fresh Debian 12 root"
