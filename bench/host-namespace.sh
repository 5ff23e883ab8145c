# Sourced by bench scripts (POSIX sh and bash alike): runs a bench inside a network namespace that
# plays the host, never in the machine's own. The bridges, firewall rules (nft, iptables),
# sysctls (ip_forward, br_netfilter's), conntrack flows and lo's alias a bench or the software it
# measures makes all land there, and deleting the namespace removes them, whatever the bench
# forgot or an interrupt cut short.
#
#   . bench/host-namespace.sh
#   in_host_namespace || run_in_host_namespace LABEL COMMAND...
#
# in_host_namespace: true when this process already runs in such a namespace (NMB_HOST_NS is set),
#   so a script re-run inside by run_in_host_namespace, or called by a bench that is, goes on.
# run_in_host_namespace LABEL COMMAND...: makes namespace nmb-LABEL-PID, runs COMMAND in it with
#   NMB_HOST_NS set to its name, and exits with COMMAND's status; the namespace is deleted at the
#   end, also on failure or interrupt, after ending by pid what still runs in it (a daemon or a
#   plugin the bench started there). Usually COMMAND is the script itself: a script re-runs itself
#   inside, after whatever must run outside (a Maven build that may need the network).
#   COMMAND runs in the foreground: Ctrl-C (or a signal to the process group) reaches it and its
#   own cleanup first; a signal to this shell's pid alone takes effect once COMMAND has ended.
# The namespace is what a host has: lo up, and an uplink holding 192.0.2.10/24 (TEST-NET-1) with
# the default route via 192.0.2.1, so software that looks for the host's address (a CNI harness's
# HOST_IP, a port mapping's default-route device) finds one; no traffic leaves it.
# It is entered with nsenter --net, not `ip netns exec`: only the network namespace changes. A
# netmgrd refuses a mount namespace of its own (the containers' namespaces it mounts under
# /run/netns would not be seen by others), and `ip netns exec` would also remount /sys.

in_host_namespace() {
    [ -n "${NMB_HOST_NS:-}" ]
}

run_in_host_namespace() {
    _nmb_ns=nmb-$1-$$
    shift
    # a namespace of that name is not this run's (one left by a run killed -9 whose pid came back):
    # refused before the trap below could delete it
    ip netns add "$_nmb_ns" || { echo "could not make namespace $_nmb_ns to play the host" >&2; exit 2; }
    # the namespace goes on exit, also after INT/TERM/HUP (which exit through it with the usual status)
    trap '_nmb_delete_host_namespace' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    # each step checked here: a caller's set -e does not hold in 'in_host_namespace || ...'
    ip -n "$_nmb_ns" link set lo up &&
        # the uplink: a veth pair (the dummy driver is not in every kernel), both ends in the namespace
        ip -n "$_nmb_ns" link add nmb-up0 type veth peer name nmb-up1 &&
        ip -n "$_nmb_ns" addr add 192.0.2.10/24 dev nmb-up0 &&
        ip -n "$_nmb_ns" link set nmb-up1 up &&
        ip -n "$_nmb_ns" link set nmb-up0 up &&
        ip -n "$_nmb_ns" route add default via 192.0.2.1 dev nmb-up0 ||
        { echo "could not make namespace $_nmb_ns to play the host" >&2; exit 2; }
    _nmb_rc=0
    NMB_HOST_NS=$_nmb_ns nsenter --net="/run/netns/$_nmb_ns" "$@" || _nmb_rc=$?
    exit "$_nmb_rc"
}

_nmb_delete_host_namespace() {
    # what still runs in it is this run's (an interrupted plugin, a daemon, aardvark-dns): ended by
    # pid, then the namespace goes
    ip netns pids "$_nmb_ns" 2>/dev/null | xargs -r kill 2>/dev/null || true # some may have ended already
    ip netns del "$_nmb_ns" 2>/dev/null || true
}
