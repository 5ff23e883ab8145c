package io.netmgr.netlink.rt;

import static io.netmgr.netlink.rt.Rt.*;

import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;

/** Encodes address requests and decodes RTM_NEWADDR answers (struct ifaddrmsg + IFA_*). */
public final class AddressCodec {
    private AddressCodec() {
    }

    /** RTM_NEWADDR adding {@code a}; an address already present fails with EEXIST. */
    public static MessageWriter add(Address a) {
        return write(RTM_NEWADDR, Nl.F_CREATE | Nl.F_EXCL, a);
    }

    /** RTM_NEWADDR adding or updating {@code a}. */
    public static MessageWriter replace(Address a) {
        return write(RTM_NEWADDR, Nl.F_CREATE | Nl.F_REPLACE, a);
    }

    public static MessageWriter delete(Address a) {
        return write(RTM_DELADDR, 0, a);
    }

    /** RTM_GETADDR dump of one family ({@link Rt#AF_UNSPEC} for both). */
    public static MessageWriter dump(int family) {
        MessageWriter w = new MessageWriter(RTM_GETADDR, Nl.F_DUMP);
        return w.u8(family).u8(0).u8(0).u8(0).u32(0);
    }

    private static MessageWriter write(int type, int flags, Address a) {
        IpNet ip = a.ip();
        MessageWriter w = new MessageWriter(type, flags);
        // ifa_flags is 8 bits; the full set goes in IFA_FLAGS below.
        w.u8(family(ip)).u8(ip.prefixLength()).u8(a.flags() & 0xff).u8(a.scope()).u32(a.linkIndex());
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer on point-to-point
        // links and the same address otherwise, as iproute2 sends it.
        w.attrAddress(IFA_LOCAL, ip.address());
        w.attrAddress(IFA_ADDRESS, ip.address());
        if (!ip.isIpv6() && ip.prefixLength() < 31 && type == RTM_NEWADDR) {
            w.attrAddress(IFA_BROADCAST, ip.broadcast());
        }
        if (a.flags() > 0xff) {
            w.attrU32(IFA_FLAGS, a.flags());
        }
        return w;
    }

    /** Decodes an RTM_NEWADDR / RTM_DELADDR message. */
    public static Address decode(NetlinkMessage m) {
        if (m.type() != RTM_NEWADDR && m.type() != RTM_DELADDR) {
            return null;
        }
        int prefix = m.u8(1);
        int flags = m.u8(2);
        int scope = m.u8(3);
        int index = m.i32(4);
        Attributes at = m.attributes(IFADDRMSG_LEN);
        return at.ipAddress(IFA_LOCAL).or(() -> at.ipAddress(IFA_ADDRESS))
                .map(ip -> new Address(index, new IpNet(ip, prefix), scope, at.u32(IFA_FLAGS, flags)))
                .orElse(null);
    }

    static int family(IpNet ip) {
        return ip.isIpv6() ? AF_INET6 : AF_INET;
    }
}
