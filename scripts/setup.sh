#!/bin/sh
# Installs what a fresh Debian 12 machine lacks to build netmgr and run its demo, or with
# --tests also to run every test. As root; idempotent: installs only the missing packages and
# updates the package lists only then. README.md's two commands and .ci/run start with it.
#   sh scripts/setup.sh            build + demo
#   sh scripts/setup.sh --tests    build + demo + the whole test suite
set -eu

usage="usage: sh scripts/setup.sh [--tests]"
tests=""
for arg in "$@"; do
    case $arg in
        --tests) tests=1 ;;
        -h|--help) echo "$usage"; exit 0 ;;
        *) echo "setup.sh: unknown argument '$arg'; $usage" >&2; exit 2 ;;
    esac
done
if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: run it as root (it installs Debian packages with apt-get)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    echo "setup.sh: needs Debian 12 (apt-get and dpkg); install the packages named in this script by hand" >&2
    exit 1
fi

# Build: the JDK and Maven; ca-certificates gives Java and Maven the machine's trusted CAs, so
# Maven can download from Central. Run: netmgr loads libnftables1 in-process (nftables
# firewall), runs iptables-restore (iptables firewall) through nsenter (util-linux); it forgets
# stale UDP flows of newly published ports and a removed service backend's flows through ctnetlink itself.
need="openjdk-17-jdk-headless maven ca-certificates libnftables1 iptables util-linux"
# The build compiles bin/netmgr-cni, a C program linked statically (it starts on every CNI call): gcc and libc's static archive (libc6-dev).
need="$need gcc libc6-dev"
# `netmgr demo` runs its service's tasks with busybox's nc (busybox-static; the tests use it too).
need="$need busybox-static"
# `netmgr demo --hosts 3` starts a three-member etcd of its own (etcd-server; the cluster tests use it too).
need="$need etcd-server"
# Tests: iproute2 and nftables give them independent oracles (`ip -j`, `bridge -j`, `tc -j`,
# `nft`, `conntrack -L`); main code never runs them. The CNI tests chain netmgr-cni with the reference plugins
# (containernetworking-plugins), one of which runs `sysctl` (procps). curl and openssl check
# netmgrd's TLS listener; DockerCliIT drives netmgrd with the docker CLI (docker.io, which also
# brings dockerd: on a machine booted with systemd, Debian starts it; DockerPluginIT and
# bench/docker-plugin-vs-bridge.sh start a dockerd of their own, in a namespace they make).
# The cluster tests start a real etcd cluster (etcd-server, in the list above); the Docker plugin tests import a
# busybox root filesystem as their image (busybox-static, in the list above); the DNS tests resolve with dig.
[ -z "$tests" ] || need="$need iproute2 nftables conntrack procps containernetworking-plugins curl openssl docker.io bind9-dnsutils"

missing=""
for package in $need; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "setup.sh: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086 # one word per package
    apt-get install -y -q --no-install-recommends $missing
fi

# Certificates dropped into /usr/local/share/ca-certificates before ca-certificates was
# installed (a proxy's CA, say) are in no trust store yet: Debian adds them only when
# update-ca-certificates runs. Java's store (/etc/ssl/certs/java/cacerts, used by Maven) follows
# through ca-certificates-java's hook. Run it when a dropped certificate is not in the bundle.
for cert in /usr/local/share/ca-certificates/*.crt; do
    [ -e "$cert" ] || continue
    link="/etc/ssl/certs/$(basename "$cert" .crt).pem"
    if [ ! -e "$link" ]; then
        echo "setup.sh: adding the certificates in /usr/local/share/ca-certificates to the trust stores"
        update-ca-certificates
        break
    fi
done
