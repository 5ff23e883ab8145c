package io.netmgr.netlink.link;

import io.netmgr.netlink.ns.NetNs;

/**
 * One end of a veth pair. When creating, {@code peerName} names the other end and
 * {@code peerNamespace} (optional) is where it is created; the kernel does not report the
 * peer's name back, only its index ({@link LinkAttrs#linkIndex()}).
 */
public record Veth(LinkAttrs attrs, String peerName, NetNs peerNamespace, MacAddress peerMac) implements Link {
    public static Veth pair(String name, String peerName) {
        return new Veth(LinkAttrs.named(name), peerName, null, null);
    }

    /** The same pair with the peer created directly in {@code ns}. */
    public Veth withPeerIn(NetNs ns) {
        return new Veth(attrs, peerName, ns, peerMac);
    }

    public Veth withPeerMac(MacAddress mac) {
        return new Veth(attrs, peerName, peerNamespace, mac);
    }

    public Veth withAttrs(LinkAttrs attrs) {
        return new Veth(attrs, peerName, peerNamespace, peerMac);
    }

    @Override
    public String kind() {
        return "veth";
    }
}
