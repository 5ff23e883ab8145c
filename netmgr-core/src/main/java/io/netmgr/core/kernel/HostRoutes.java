package io.netmgr.core.kernel;

import io.netmgr.core.kernel.HostKernel.RoutedSubnet;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.rt.Rt;
import java.util.List;
import java.util.function.Supplier;

/**
 * The subnets the host already routes (all tables, unicast, not the default route), so default
 * pools can stay clear of them; with the link each leaves by, for the subnet guard.
 */
public final class HostRoutes implements Supplier<List<IpPrefix>> {
    private final NetlinkHandle host;

    public HostRoutes(NetlinkHandle host) {
        this.host = host;
    }

    @Override
    public List<IpPrefix> get() {
        return withLinks().stream().map(RoutedSubnet::destination).distinct().toList();
    }

    /** Each destination the host routes, with the index of the link it leaves by. */
    public List<RoutedSubnet> withLinks() {
        return host.routes().listAll().stream()
                .filter(r -> !r.isDefault() && r.type() == Rt.RTN_UNICAST && r.destination() != null) // not local or broadcast routes
                .map(r -> new RoutedSubnet(IpPrefix.parse(r.destination().network().toString()), r.linkIndex()))
                .distinct().toList();
    }
}
