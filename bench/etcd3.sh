# Sourced by bench scripts: start_etcd3 DIR starts a 3-member etcd on loopback (free ports, data
# dirs under DIR, logs DIR/etcdN.log) and waits until it answers; sets $clients
# (HOST:PORT,HOST:PORT,HOST:PORT) and appends the members' pids to $etcd_pids, which the caller
# kills on exit. Needs etcd-server (etcd, etcdctl) and python3 (free ports).
# etcd3_in_temp NAME does it all for a script that needs nothing else cleaned: a temp dir
# /tmp/netmgr-bench-NAME-XXXXXX in $work, the members started there, and on exit (or INT/TERM)
# the members killed by pid and the dir removed.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_etcd3() {
    _dir=$1
    _cluster=""
    clients=""
    for _i in 0 1 2; do
        _c=$(free_port); _p=$(free_port)
        eval "_client$_i=$_c _peer$_i=$_p"
        _cluster="${_cluster:+$_cluster,}m$_i=http://127.0.0.1:$_p"
        clients="${clients:+$clients,}127.0.0.1:$_c"
    done
    for _i in 0 1 2; do
        eval "_c=\$_client$_i _p=\$_peer$_i"
        etcd --name "m$_i" --data-dir "$_dir/etcd$_i" --listen-client-urls "http://127.0.0.1:$_c" \
            --advertise-client-urls "http://127.0.0.1:$_c" --listen-peer-urls "http://127.0.0.1:$_p" \
            --initial-advertise-peer-urls "http://127.0.0.1:$_p" --initial-cluster "$_cluster" \
            --initial-cluster-token "bench-$$" --initial-cluster-state new ${ETCD_EXTRA:-} >"$_dir/etcd$_i.log" 2>&1 &
        etcd_pids="${etcd_pids:-} $!"
    done
    for _ in $(seq 600); do ETCDCTL_API=3 etcdctl --endpoints "$clients" endpoint health >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "etcd did not become healthy within 60 s; see $_dir/etcd*.log" >&2
    return 1
}

etcd3_in_temp() {
    work=$(mktemp -d "/tmp/netmgr-bench-$1-XXXXXX")
    etcd_pids=""
    trap 'for p in $etcd_pids; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
    start_etcd3 "$work"
}
