#!/bin/sh
# Builds bin/netmgr-cni (netmgr-cni.c, libc only) into $1; run by the dist module's Maven build.
# Linked statically: the plugin starts on every CNI call, and a static binary maps no shared
# library (bench/README.md, issue 16, has the figures). That needs a C compiler and libc's static
# archive, Debian's gcc and libc6-dev (scripts/setup.sh installs both).
set -eu
out=$1
src=$(dirname -- "$0")/netmgr-cni.c
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "dist: building bin/netmgr-cni needs a C compiler ($cc not found): apt-get install gcc libc6-dev (or sh scripts/setup.sh)" >&2
    exit 1
fi
if [ "$("$cc" -print-file-name=libc.a)" = libc.a ]; then
    echo "dist: building bin/netmgr-cni needs libc's static archive (libc.a not found): apt-get install libc6-dev (or sh scripts/setup.sh)" >&2
    exit 1
fi
mkdir -p -- "$(dirname -- "$out")"
exec "$cc" -O2 -static -Wall -Wextra -Werror -o "$out" "$src"
