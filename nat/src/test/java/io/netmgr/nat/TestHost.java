package io.netmgr.nat;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.route.Route;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;

/**
 * A host made of namespaces, wired the way the bridge driver would: a "host" namespace with
 * bridges and their gateway addresses, containers attached by veth pairs, and an "outside"
 * namespace (another machine) on an uplink, 192.0.2.2 (fd00:192::2) talking to the host's
 * 192.0.2.1 (fd00:192::1), with a
 * route to the container subnets through the host so that routed access can be tried too.
 */
public final class TestHost {
    public static final String HOST_IP = "192.0.2.1";
    public static final String OUTSIDE_IP = "192.0.2.2";
    public static final String HOST_IP6 = "fd00:192::1";
    public static final String OUTSIDE_IP6 = "fd00:192::2";

    public final NetNs host;
    public final NetNs outside;
    private final TestNamespaces netns;

    private TestHost(TestNamespaces netns, NetNs host, NetNs outside) {
        this.netns = netns;
        this.host = host;
        this.outside = outside;
    }

    public static TestHost create(TestNamespaces netns) {
        NetNs host = netns.create("host");
        NetNs outside = netns.create("out");
        try (NetlinkHandle h = NetlinkHandle.open(host); NetlinkHandle o = NetlinkHandle.open(outside)) {
            h.links().add(Veth.pair("uplink", "uplinkb").withPeerIn(outside));
            o.links().rename("uplinkb", "eth0");
            h.addresses().add("uplink", IpNet.parse(HOST_IP + "/24"));
            h.links().setUp("uplink");
            o.addresses().add("eth0", IpNet.parse(OUTSIDE_IP + "/24"));
            o.links().setUp("eth0");
            o.routes().add(Route.via(IpNet.parse("10.50.0.0/16"), IpAddress.parse(HOST_IP).toInetAddress(),
                    o.links().get("eth0").index()));
        }
        address(host, "uplink", HOST_IP6 + "/64");
        address(outside, "eth0", OUTSIDE_IP6 + "/64");
        return new TestHost(netns, host, outside);
    }

    /** A bridge with its gateway address, e.g. {@code bridge("br-a", "10.50.1.1/24")}. */
    public void bridge(String name, String gatewayCidr) {
        try (NetlinkHandle h = NetlinkHandle.open(host)) {
            h.links().add(Bridge.named(name));
            h.addresses().add(name, IpNet.parse(gatewayCidr));
            h.links().setUp(name);
        }
    }

    /**
     * A container namespace on {@code bridge} with address {@code cidr} and a default route via
     * {@code gateway}. Its bridge port has hairpin mode on, as the bridge driver sets it, so that
     * a container can reach itself through a published port while br_netfilter bridges the DNATed frame.
     */
    public NetNs container(String name, String bridge, String cidr, String gateway) {
        NetNs c = netns.create(name);
        String port = "v-" + name;
        try (NetlinkHandle h = NetlinkHandle.open(host); NetlinkHandle ch = NetlinkHandle.open(c)) {
            h.links().add(Veth.pair(port, "eth0").withPeerIn(c));
            h.links().setMaster(port, bridge);
            h.links().setHairpin(port, true);
            h.links().setUp(port);
            ch.addresses().add("eth0", IpNet.parse(cidr));
            ch.links().setUp("eth0");
            ch.routes().add(Route.defaultVia(IpAddress.parse(gateway).toInetAddress(), ch.links().get("eth0").index()));
        }
        return c;
    }

    /** Adds {@code cidr} to {@code link} in {@code ns}; IPv6 without duplicate address detection, usable at once. */
    public static void address(NetNs ns, String link, String cidr) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            IpNet ip = IpNet.parse(cidr);
            Address a = Address.of(h.links().get(link).index(), ip);
            h.addresses().add(ip.isIpv6() ? a.withFlags(Address.NODAD) : a);
        }
    }

    /** A default route in {@code ns} via {@code gateway} on eth0. */
    public static void defaultRoute(NetNs ns, String gateway) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.routes().add(Route.defaultVia(IpAddress.parse(gateway).toInetAddress(), h.links().get("eth0").index()));
        }
    }

    /** Runs a command in {@code ns} (ip netns exec) and returns its output; fails on a non-zero exit. */
    public static String exec(NetNs ns, String... command) {
        return IpOracle.exec(ns, command);
    }
}
