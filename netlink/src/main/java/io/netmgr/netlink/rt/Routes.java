package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.route.Route;
import java.util.List;

/** Route operations in one namespace: add, replace, delete, list (IPv4 and IPv6, any table). */
public final class Routes {
    private final NetlinkSocket socket;

    public Routes(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Adds {@code r}; an identical route present already fails with EEXIST. */
    public void add(Route r) {
        socket.execute(RouteCodec.add(r), "add route " + r);
    }

    public void replace(Route r) {
        socket.execute(RouteCodec.replace(r), "replace route " + r);
    }

    /** Deletes {@code r}; fails with ESRCH when there is no such route. */
    public void delete(Route r) {
        socket.execute(RouteCodec.delete(r), "delete route " + r);
    }

    /** Unicast routes of the main table, both families. */
    public List<Route> list() {
        return list(Route.MAIN_TABLE);
    }

    /** Unicast routes of {@code table}, both families (local and broadcast routes left out). */
    public List<Route> list(int table) {
        return listAll().stream().filter(r -> r.table() == table && r.type() == Rt.RTN_UNICAST).toList();
    }

    /** Every route the kernel has, all tables and types. */
    public List<Route> listAll() {
        return socket.query(RouteCodec.dump(Rt.AF_UNSPEC), "list routes", RouteCodec::decode);
    }
}
