package io.netmgr.netlink.ns;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.Veth;

/**
 * The network between hosts played by namespaces: bridge {@code ul0} in a namespace of its own,
 * and per host a veth from it whose end {@code eth0}, in the host's namespace, holds the host's
 * underlay address: several hosts on one machine, for tests and {@code netmgr demo --hosts 3}.
 * Its namespaces belong to whoever made them; deleting them removes the links too.
 */
public final class Underlay {
    private final NetNs ns;

    private Underlay(NetNs ns) {
        this.ns = ns;
    }

    /** A new underlay: bridge {@code ul0}, up, in {@code ns} (a namespace made for it). */
    public static Underlay in(NetNs ns) {
        Underlay underlay = new Underlay(ns);
        try (NetlinkHandle u = NetlinkHandle.open(underlay.ns)) {
            u.links().add(Bridge.named("ul0"));
            u.links().setUp("ul0");
        }
        return underlay;
    }

    public NetNs namespace() {
        return ns;
    }

    /** Plugs {@code host} in as port {@code ul<number>}, its {@code eth0} up with {@code address}/24. */
    public void attach(int number, NetNs host, IpAddress address) {
        try (NetlinkHandle u = NetlinkHandle.open(ns); NetlinkHandle h = NetlinkHandle.open(host)) {
            int bridge = u.links().get("ul0").index();
            u.links().add(new Veth(LinkAttrs.named("ul" + number).withMaster(bridge).withUp(true), "eth0", host, null));
            h.addresses().add(Address.of(h.links().get("eth0").index(), new IpNet(address, 24)));
            h.links().setUp("eth0");
        }
    }

    /** Gives bridge {@code ul0} {@code address}/24, so the underlay's own namespace plays a client outside every host. */
    public void address(IpAddress address) {
        try (NetlinkHandle u = NetlinkHandle.open(ns)) {
            u.addresses().add(Address.of(u.links().get("ul0").index(), new IpNet(address, 24)));
        }
    }
}
