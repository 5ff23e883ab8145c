package io.netmgr.netlink.rt;

import static io.netmgr.netlink.rt.Rt.*;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.route.Route;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;
import java.net.Inet6Address;

/** Encodes route requests and decodes RTM_NEWROUTE answers (struct rtmsg + RTA_*). */
public final class RouteCodec {
    private RouteCodec() {
    }

    public static MessageWriter add(Route r) {
        return write(RTM_NEWROUTE, Nl.F_CREATE | Nl.F_EXCL, r);
    }

    public static MessageWriter replace(Route r) {
        return write(RTM_NEWROUTE, Nl.F_CREATE | Nl.F_REPLACE, r);
    }

    public static MessageWriter delete(Route r) {
        return write(RTM_DELROUTE, 0, r);
    }

    public static MessageWriter dump(int family) {
        MessageWriter w = new MessageWriter(RTM_GETROUTE, Nl.F_DUMP);
        return w.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
    }

    private static MessageWriter write(int type, int flags, Route r) {
        validate(r);
        int family = r.ipv6() ? AF_INET6 : AF_INET;
        // Like iproute2: a route without gateway is link-scoped, one through a gateway global.
        int scope = r.scope() >= 0 ? r.scope() : r.gateway() == null ? Route.SCOPE_LINK : Route.SCOPE_UNIVERSE;
        int protocol = r.protocol() != 0 ? r.protocol() : RTPROT_BOOT;
        MessageWriter w = new MessageWriter(type, flags);
        w.u8(family).u8(r.isDefault() ? 0 : r.destination().prefixLength()).u8(0).u8(0)
                .u8(r.table() < 256 ? r.table() : RT_TABLE_COMPAT)
                .u8(type == RTM_DELROUTE ? 0 : protocol)
                .u8(type == RTM_DELROUTE ? Route.SCOPE_NOWHERE : scope)
                .u8(r.type())
                .u32(r.onlink() ? RTNH_F_ONLINK : 0);
        w.attrU32(RTA_TABLE, r.table());
        if (!r.isDefault()) {
            w.attrAddress(RTA_DST, r.destination().network().address());
        }
        if (r.gateway() != null) {
            w.attrAddress(RTA_GATEWAY, r.gateway());
        }
        if (r.linkIndex() > 0) {
            w.attrU32(RTA_OIF, r.linkIndex());
        }
        if (r.metric() > 0) {
            w.attrU32(RTA_PRIORITY, r.metric());
        }
        if (r.preferredSource() != null) {
            w.attrAddress(RTA_PREFSRC, r.preferredSource());
        }
        return w;
    }

    private static void validate(Route r) {
        if (r.gateway() != null && (r.gateway() instanceof Inet6Address) != r.ipv6()) {
            throw new IllegalArgumentException("route " + r + ": gateway " + IpAddress.of(r.gateway())
                    + " is not of the destination's address family");
        }
        if (r.gateway() == null && r.linkIndex() <= 0) {
            throw new IllegalArgumentException("route " + r + " needs a gateway or a device");
        }
        if (r.table() <= 0) {
            throw new IllegalArgumentException("route " + r + ": table must be positive, got " + r.table());
        }
    }

    /** Decodes an RTM_NEWROUTE message. */
    public static Route decode(NetlinkMessage m) {
        if (m.type() != RTM_NEWROUTE && m.type() != RTM_DELROUTE) {
            return null;
        }
        int family = m.u8(0);
        if (family != AF_INET && family != AF_INET6) {
            return null;
        }
        int dstLen = m.u8(1);
        int table = m.u8(4);
        int protocol = m.u8(5);
        int scope = m.u8(6);
        int type = m.u8(7);
        int flags = m.i32(8);
        Attributes at = m.attributes(RTMSG_LEN);
        IpNet destination = at.ipAddress(RTA_DST).map(dst -> new IpNet(dst, dstLen)).orElse(null);
        return new Route(destination, at.address(RTA_GATEWAY).orElse(null), at.u32(RTA_OIF, 0),
                at.u32(RTA_TABLE, table), at.u32(RTA_PRIORITY, 0), (flags & RTNH_F_ONLINK) != 0,
                family == AF_INET6, at.address(RTA_PREFSRC).orElse(null), protocol, scope, type);
    }
}
