package io.netmgr.netlink.rt;

import static io.netmgr.netlink.rt.Rt.*;

import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;
import java.net.Inet6Address;

/**
 * Encodes neighbour (ARP/NDP) and bridge FDB requests: both are RTM_NEWNEIGH, told apart by
 * the family (AF_INET/AF_INET6 vs AF_BRIDGE) in struct ndmsg.
 */
public final class NeighbourCodec {
    private NeighbourCodec() {
    }

    /** Adds or replaces a neighbour entry (like {@code ip neigh replace}). */
    public static MessageWriter set(Neighbour n) {
        MessageWriter w = ndmsg(RTM_NEWNEIGH, Nl.F_CREATE | Nl.F_REPLACE,
                n.ip() instanceof Inet6Address ? AF_INET6 : AF_INET, n.linkIndex(), n.state(), 0);
        w.attrAddress(NDA_DST, n.ip());
        if (n.mac() != null) {
            w.attr(NDA_LLADDR, n.mac().bytes());
        }
        return w;
    }

    public static MessageWriter delete(Neighbour n) {
        MessageWriter w = ndmsg(RTM_DELNEIGH, 0, n.ip() instanceof Inet6Address ? AF_INET6 : AF_INET,
                n.linkIndex(), 0, 0);
        return w.attrAddress(NDA_DST, n.ip());
    }

    /**
     * Adds an FDB entry. Flood entries (all-zero MAC) are appended so that one per remote host
     * can coexist; others replace the entry for that MAC.
     */
    public static MessageWriter add(FdbEntry e) {
        int flags = Nl.F_CREATE | (e.isFlood() ? Nl.F_APPEND : Nl.F_REPLACE);
        return fdb(RTM_NEWNEIGH, flags, e);
    }

    public static MessageWriter delete(FdbEntry e) {
        return fdb(RTM_DELNEIGH, 0, e);
    }

    public static MessageWriter dump(int family) {
        return ndmsg(RTM_GETNEIGH, Nl.F_DUMP, family, 0, 0, 0);
    }

    private static MessageWriter fdb(int type, int flags, FdbEntry e) {
        int ntf = (e.self() ? NTF_SELF : 0) | (e.master() ? NTF_MASTER : 0);
        MessageWriter w = ndmsg(type, flags, AF_BRIDGE, e.linkIndex(), e.state(), ntf);
        w.attr(NDA_LLADDR, e.mac().bytes());
        if (e.destination() != null) {
            w.attrAddress(NDA_DST, e.destination());
        }
        return w;
    }

    private static MessageWriter ndmsg(int type, int flags, int family, int index, int state, int ntf) {
        MessageWriter w = new MessageWriter(type, flags);
        return w.u8(family).u8(0).u16(0).u32(index).u16(state).u8(ntf).u8(0);
    }

    /** Decodes an IP neighbour; null for bridge entries. */
    public static Neighbour decodeNeighbour(NetlinkMessage m) {
        int family = m.u8(0);
        if (!isNeigh(m) || (family != AF_INET && family != AF_INET6)) {
            return null;
        }
        Attributes at = m.attributes(NDMSG_LEN);
        return at.address(NDA_DST).map(ip -> new Neighbour(m.i32(4), ip, mac(at), m.u16(8))).orElse(null);
    }

    /** Decodes a bridge FDB entry; null for IP neighbours. */
    public static FdbEntry decodeFdb(NetlinkMessage m) {
        if (!isNeigh(m) || m.u8(0) != AF_BRIDGE) {
            return null;
        }
        Attributes at = m.attributes(NDMSG_LEN);
        MacAddress mac = mac(at);
        if (mac == null) {
            return null;
        }
        int ntf = m.u8(10);
        return new FdbEntry(m.i32(4), mac, at.address(NDA_DST).orElse(null), (ntf & NTF_SELF) != 0,
                (ntf & NTF_MASTER) != 0 || at.has(NDA_MASTER), m.u16(8)); // dumps name the bridge instead of flagging
    }

    private static boolean isNeigh(NetlinkMessage m) {
        return m.type() == RTM_NEWNEIGH || m.type() == RTM_DELNEIGH;
    }

    private static MacAddress mac(Attributes at) {
        return at.bytes(NDA_LLADDR).filter(b -> b.length == 6).map(MacAddress::of).orElse(null);
    }
}
