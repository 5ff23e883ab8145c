package io.netmgr.core.controller;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.route.Route;
import io.netmgr.netlink.rt.Rt;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The subnets the host already routes (all tables), so default pools can stay clear of them. */
public final class HostRoutes implements Supplier<List<IpPrefix>> {
    private final NetlinkHandle host;

    public HostRoutes(NetlinkHandle host) {
        this.host = host;
    }

    @Override
    public List<IpPrefix> get() {
        return host.routes().listAll().stream()
                .filter(r -> !r.isDefault() && r.type() == Rt.RTN_UNICAST) // not local or broadcast routes
                .map(Route::destination).filter(Objects::nonNull)
                .map(d -> IpPrefix.parse(d.network().toString()))
                .distinct().toList();
    }
}
