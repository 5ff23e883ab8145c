package io.netmgr.netlink.route;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A route. {@code destination} null means the default route of {@code ipv6}'s family;
 * {@code gateway} null means directly connected via {@code linkIndex}. {@code table} 254 is
 * the main table; {@code metric} 0 is the kernel's default; {@code onlink} lets a gateway
 * outside every subnet of the link be used (as point-to-point and some overlays need).
 */
public record Route(IpNet destination, InetAddress gateway, int linkIndex, int table, int metric,
                    boolean onlink, boolean ipv6, InetAddress preferredSource, int protocol, int scope, int type) {
    public static final int MAIN_TABLE = 254;
    public static final int SCOPE_UNIVERSE = 0, SCOPE_LINK = 253, SCOPE_HOST = 254, SCOPE_NOWHERE = 255;

    /** A route to {@code destination} through the link {@code linkIndex}, no gateway. */
    public static Route direct(IpNet destination, int linkIndex) {
        return new Route(destination.network(), null, linkIndex, MAIN_TABLE, 0, false, destination.isIpv6(), null, 0, -1, 1);
    }

    /** A route to {@code destination} through {@code gateway}; {@code linkIndex} 0 lets the kernel choose. */
    public static Route via(IpNet destination, InetAddress gateway, int linkIndex) {
        return new Route(destination.network(), gateway, linkIndex, MAIN_TABLE, 0, false, destination.isIpv6(), null, 0, -1, 1);
    }

    /** The default route through {@code gateway}. */
    public static Route defaultVia(InetAddress gateway, int linkIndex) {
        return new Route(null, gateway, linkIndex, MAIN_TABLE, 0, false, gateway instanceof Inet6Address, null, 0, -1, 1);
    }

    public boolean isDefault() {
        return destination == null || destination.prefixLength() == 0;
    }

    public Optional<InetAddress> gatewayAddress() {
        return Optional.ofNullable(gateway);
    }

    public Route withTable(int newTable) {
        return new Route(destination, gateway, linkIndex, newTable, metric, onlink, ipv6, preferredSource, protocol, scope, type);
    }

    public Route withMetric(int newMetric) {
        return new Route(destination, gateway, linkIndex, table, newMetric, onlink, ipv6, preferredSource, protocol, scope, type);
    }

    public Route withOnlink(boolean newOnlink) {
        return new Route(destination, gateway, linkIndex, table, metric, newOnlink, ipv6, preferredSource, protocol, scope, type);
    }

    public Route withPreferredSource(InetAddress source) {
        return new Route(destination, gateway, linkIndex, table, metric, onlink, ipv6, source, protocol, scope, type);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(isDefault() ? "default" : destination.toString());
        if (gateway != null) {
            s.append(" via ").append(IpAddress.of(gateway));
        }
        if (linkIndex > 0) {
            s.append(" dev #").append(linkIndex);
        }
        if (table != MAIN_TABLE) {
            s.append(" table ").append(table);
        }
        if (metric != 0) {
            s.append(" metric ").append(metric);
        }
        return onlink ? s.append(" onlink").toString() : s.toString();
    }
}
