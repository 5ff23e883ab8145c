package example;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;

/** The netlink module alone: a bridge with an address, and a veth from it into a second namespace. */
public final class NetlinkExample {
    private NetlinkExample() {
    }

    public static void main(String[] args) {
        // /run/netns/blue and /run/netns/c1, as `ip netns add` makes them; they stay after the
        // handles close (`ip netns del blue c1` or NetNs.delete removes them)
        try (NetNs blue = NetNs.create("blue"); NetNs container = NetNs.create("c1")) {
            wire(blue, container);
        }
    }

    /** br0 10.1.0.1/24 in {@code host}; veth0 on br0, its peer eth0 in {@code container}. */
    public static void wire(NetNs host, NetNs container) {
        try (NetlinkHandle h = NetlinkHandle.open(host)) { // bound to host's namespace, usable from any thread
            h.links().add(Bridge.named("br0"));
            h.addresses().add("br0", IpNet.parse("10.1.0.1/24"));
            h.links().setUp("br0");
            h.links().add(Veth.pair("veth0", "eth0").withPeerIn(container));
            h.links().setMaster("veth0", "br0");
            h.links().setUp("veth0");
        }
    }
}
