#!/bin/sh
# Prints the state of the network namespace it runs in (the machine's, run as is), in a form that
# two runs can be compared by: links, addresses, routes (all tables), policy rules, the nft ruleset,
# iptables-save, and the sysctls benches are prone to change. What moves by itself is left out:
# address lifetimes, counters, iptables-save's dated comments.
#   bench/host-state.sh >before; bench/SOME-BENCH.sh; bench/host-state.sh >after; diff before after
# Root needed (nft, iptables-save).
set -eu
section() { echo "== $1"; }
section links
ip -j link | jq -S '[.[] | del(.stats64, .stats)]'
section addresses
ip -j addr | jq -S '[.[] | del(.stats64, .stats) | .addr_info |= map(del(.valid_life_time, .preferred_life_time))]'
section routes
ip -j route show table all | jq -S '.'
ip -6 -j route show table all | jq -S '.'
section rules
ip -j rule | jq -S '.'
section nft
nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
section iptables
iptables-save | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]/[-]/'
ip6tables-save | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]/[-]/'
section sysctls
sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding
for k in net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables; do
    sysctl "$k" 2>/dev/null || echo "$k: (br_netfilter not loaded)"
done
