package io.netmgr.netlink.rt;

import static io.netmgr.netlink.rt.Rt.*;

import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.GenericLink;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Macvlan;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;

import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Encodes link requests and decodes RTM_NEWLINK answers. Pure: no sockets, testable byte for byte. */
public final class LinkCodec {
    private static final String[] OPER_STATES = {"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"};

    private LinkCodec() {
    }

    /** RTM_NEWLINK creating {@code link} (NLM_F_CREATE | NLM_F_EXCL). */
    public static MessageWriter create(Link link) {
        validateName(link.name());
        LinkAttrs a = link.attrs();
        MessageWriter w = new MessageWriter(RTM_NEWLINK, Nl.F_CREATE | Nl.F_EXCL);
        ifinfomsg(w, AF_UNSPEC, 0, a.up() ? LinkAttrs.IFF_UP : 0, a.up() ? LinkAttrs.IFF_UP : 0);
        commonAttrs(w, a);
        if (link instanceof Macvlan m && a.linkIndex() == 0) {
            w.attrU32(IFLA_LINK, m.parentIndex()); // the parent is a top-level attribute, not link info
        }
        int info = w.beginNested(IFLA_LINKINFO);
        w.attrString(IFLA_INFO_KIND, link.kind());
        if (link instanceof Veth v) {
            vethData(w, v);
        } else if (link instanceof Vxlan x) {
            vxlanData(w, x);
        } else if (link instanceof Macvlan m) {
            int data = w.beginNested(IFLA_INFO_DATA);
            w.attrU32(IFLA_MACVLAN_MODE, m.mode().value);
            w.endNested(data);
        }
        w.endNested(info);
        return w;
    }

    private static void vethData(MessageWriter w, Veth v) {
        validateName(v.peerName());
        int data = w.beginNested(IFLA_INFO_DATA);
        int peer = w.beginNested(VETH_INFO_PEER);
        ifinfomsg(w, AF_UNSPEC, 0, 0, 0);
        w.attrString(IFLA_IFNAME, v.peerName());
        if (v.attrs().mtu() > 0) {
            w.attrU32(IFLA_MTU, v.attrs().mtu());
        }
        if (v.peerMac() != null) {
            w.attr(IFLA_ADDRESS, v.peerMac().bytes());
        }
        if (v.peerNamespace() != null) {
            w.attrU32(IFLA_NET_NS_FD, v.peerNamespace().fd());
        }
        w.endNested(peer);
        w.endNested(data);
    }

    private static void vxlanData(MessageWriter w, Vxlan x) {
        int data = w.beginNested(IFLA_INFO_DATA);
        w.attrU32(IFLA_VXLAN_ID, x.vni());
        if (x.local() != null) {
            w.attrAddress(x.local() instanceof Inet6Address ? IFLA_VXLAN_LOCAL6 : IFLA_VXLAN_LOCAL, x.local());
        }
        if (x.remote() != null) {
            w.attrAddress(x.remote() instanceof Inet6Address ? IFLA_VXLAN_GROUP6 : IFLA_VXLAN_GROUP, x.remote());
        }
        if (x.underlayIndex() > 0) {
            w.attrU32(IFLA_VXLAN_LINK, x.underlayIndex());
        }
        w.attrU8(IFLA_VXLAN_TTL, x.ttl());
        w.attrU8(IFLA_VXLAN_LEARNING, x.learning() ? 1 : 0);
        w.attrU8(IFLA_VXLAN_PROXY, x.proxy() ? 1 : 0);
        w.attrBe16(IFLA_VXLAN_PORT, x.port() == 0 ? Vxlan.IANA_PORT : x.port());
        w.endNested(data);
    }

    /** RTM_NEWLINK (no create flags) changing an existing link by index: flags, MTU, MAC, master, name, namespace. */
    public static MessageWriter change(int index) {
        MessageWriter w = new MessageWriter(RTM_NEWLINK, 0);
        ifinfomsg(w, AF_UNSPEC, index, 0, 0);
        return w;
    }

    /** RTM_NEWLINK setting or clearing IFF_UP. */
    public static MessageWriter setUp(int index, boolean up) {
        MessageWriter w = new MessageWriter(RTM_NEWLINK, 0);
        ifinfomsg(w, AF_UNSPEC, index, up ? LinkAttrs.IFF_UP : 0, LinkAttrs.IFF_UP);
        return w;
    }

    public static MessageWriter setMtu(int index, int mtu) {
        return change(index).attrU32(IFLA_MTU, mtu);
    }

    public static MessageWriter setMac(int index, MacAddress mac) {
        return change(index).attr(IFLA_ADDRESS, mac.bytes());
    }

    /** RTM_NEWLINK setting the link's alias (ifalias), a free-text label of at most 255 bytes. */
    public static MessageWriter setAlias(int index, String alias) {
        return change(index).attrString(IFLA_IFALIAS, alias);
    }

    /** The alias an RTM_NEWLINK message carries, if the link has one. */
    public static Optional<String> decodeAlias(NetlinkMessage m) {
        return m.type() == RTM_NEWLINK ? m.attributes(IFINFOMSG_LEN).string(IFLA_IFALIAS) : Optional.empty();
    }

    /** RTM_NEWLINK enslaving link {@code index} to {@code masterIndex} (a bridge); 0 detaches it. */
    public static MessageWriter setMaster(int index, int masterIndex) {
        return change(index).attrU32(IFLA_MASTER, masterIndex);
    }

    public static MessageWriter rename(int index, String newName) {
        validateName(newName);
        return change(index).attrString(IFLA_IFNAME, newName);
    }

    /** RTM_NEWLINK moving link {@code index} to the namespace open as {@code nsFd}, renamed there unless {@code newName} is null. */
    public static MessageWriter moveTo(int index, int nsFd, String newName) {
        MessageWriter w = change(index).attrU32(IFLA_NET_NS_FD, nsFd);
        if (newName != null) {
            validateName(newName);
            w.attrString(IFLA_IFNAME, newName);
        }
        return w;
    }

    public static MessageWriter delete(int index) {
        MessageWriter w = new MessageWriter(RTM_DELLINK, 0);
        ifinfomsg(w, AF_UNSPEC, index, 0, 0);
        return w;
    }

    /** RTM_GETLINK for one link by name. */
    public static MessageWriter getByName(String name) {
        validateName(name);
        MessageWriter w = new MessageWriter(RTM_GETLINK, 0);
        ifinfomsg(w, AF_UNSPEC, 0, 0, 0);
        w.attrString(IFLA_IFNAME, name);
        return w;
    }

    public static MessageWriter getByIndex(int index) {
        MessageWriter w = new MessageWriter(RTM_GETLINK, 0);
        ifinfomsg(w, AF_UNSPEC, index, 0, 0);
        return w;
    }

    public static MessageWriter dump() {
        MessageWriter w = new MessageWriter(RTM_GETLINK, Nl.F_DUMP);
        ifinfomsg(w, AF_UNSPEC, 0, 0, 0);
        return w;
    }

    /** RTM_SETLINK (family AF_BRIDGE) setting bridge-port flags of an enslaved link. */
    public static MessageWriter bridgePort(int index, Boolean hairpin, Boolean learning) {
        MessageWriter w = new MessageWriter(RTM_SETLINK, 0);
        ifinfomsg(w, AF_BRIDGE, index, 0, 0);
        int p = w.beginNested(IFLA_PROTINFO);
        if (hairpin != null) {
            w.attrU8(IFLA_BRPORT_MODE, hairpin ? 1 : 0);
        }
        if (learning != null) {
            w.attrU8(IFLA_BRPORT_LEARNING, learning ? 1 : 0);
        }
        w.endNested(p);
        return w;
    }

    /** Decodes an RTM_NEWLINK message into the record of its kind. */
    public static Link decode(NetlinkMessage m) {
        if (m.type() != RTM_NEWLINK && m.type() != RTM_DELLINK) {
            return null;
        }
        int index = m.i32(4);
        int flags = m.i32(8);
        Attributes at = m.attributes(IFINFOMSG_LEN);
        int operState = at.u8(IFLA_OPERSTATE, 0);
        LinkAttrs attrs = new LinkAttrs(index, at.string(IFLA_IFNAME).orElse(""), at.u32(IFLA_MTU, 0),
                at.bytes(IFLA_ADDRESS).filter(b -> b.length == 6).map(MacAddress::of).orElse(null),
                at.u32(IFLA_MASTER, 0), flags, operState < OPER_STATES.length ? OPER_STATES[operState] : "unknown",
                at.u32(IFLA_LINK, 0));
        Attributes info = at.nested(IFLA_LINKINFO).orElse(null);
        String kind = info == null ? "" : info.string(IFLA_INFO_KIND).orElse("");
        Attributes data = info == null ? null : info.nested(IFLA_INFO_DATA).orElse(null);
        return switch (kind) {
            case "bridge" -> new Bridge(attrs);
            case "veth" -> new Veth(attrs, null, null, null);
            case "macvlan" -> new Macvlan(attrs, attrs.linkIndex(),
                    Macvlan.Mode.of(data == null ? Macvlan.Mode.VEPA.value : data.u32(IFLA_MACVLAN_MODE, Macvlan.Mode.VEPA.value)));
            case "vxlan" -> decodeVxlan(attrs, data);
            default -> new GenericLink(attrs, kind);
        };
    }

    private static Vxlan decodeVxlan(LinkAttrs attrs, Attributes d) {
        if (d == null) {
            return new Vxlan(attrs, 0, null, null, Vxlan.IANA_PORT, true, false, 0, 0);
        }
        return new Vxlan(attrs, d.u32(IFLA_VXLAN_ID, 0),
                d.address(IFLA_VXLAN_LOCAL).or(() -> d.address(IFLA_VXLAN_LOCAL6)).orElse(null),
                d.address(IFLA_VXLAN_GROUP).or(() -> d.address(IFLA_VXLAN_GROUP6)).orElse(null),
                d.be16(IFLA_VXLAN_PORT, Vxlan.IANA_PORT), d.u8(IFLA_VXLAN_LEARNING, 1) != 0,
                d.u8(IFLA_VXLAN_PROXY, 0) != 0, d.u8(IFLA_VXLAN_TTL, 0), d.u32(IFLA_VXLAN_LINK, 0));
    }

    private static void commonAttrs(MessageWriter w, LinkAttrs a) {
        w.attrString(IFLA_IFNAME, a.name());
        if (a.mtu() > 0) {
            w.attrU32(IFLA_MTU, a.mtu());
        }
        if (a.mac() != null) {
            w.attr(IFLA_ADDRESS, a.mac().bytes());
        }
        if (a.masterIndex() > 0) {
            w.attrU32(IFLA_MASTER, a.masterIndex());
        }
        if (a.linkIndex() > 0) {
            w.attrU32(IFLA_LINK, a.linkIndex());
        }
    }

    static void ifinfomsg(MessageWriter w, int family, int index, int flags, int change) {
        w.u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    /** Linux names: 1..15 bytes, no '/', no whitespace, not "." or "..". */
    public static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("link name is empty; give a name of 1 to 15 bytes");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > LinkAttrs.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("link name '" + name + "' is " + bytes
                    + " bytes; Linux allows at most 15 (IFNAMSIZ)");
        }
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("link name '" + name + "' may not be '.' or '..' nor contain '/', ':' or whitespace");
        }
    }

}
