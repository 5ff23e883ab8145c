package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.MacAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The sandbox side of a join: interface names, addresses, default routes, MACs. */
final class Interfaces {

    /** eth0, eth1... the first name not used in the sandbox. */
    String nextFreeName(NetlinkHandle sandbox) {
        Set<String> used = sandbox.links().list().stream().map(Link::name).collect(Collectors.toSet());
        for (int i = 0; ; i++) {
            if (!used.contains("eth" + i)) {
                return "eth" + i;
            }
        }
    }

    /**
     * Gives the interface its addresses, brings it up, and routes as the driver's join and the
     * endpoint ask (see {@link SandboxRoutes}).
     */
    void configure(NetlinkHandle h, String ifName, Network network, Endpoint endpoint, JoinInfo info) {
        int index = h.links().get(ifName).index();
        for (String cidr : endpoint.addresses()) {
            IpNet ip = IpNet.parse(cidr);
            // DAD would leave an IPv6 address tentative (unusable) for a second or more
            h.addresses().add(Address.of(index, ip).withFlags(ip.isIpv6() ? Address.NODAD : 0));
        }
        h.links().setUp(ifName);
        SandboxRoutes.program(h, index, SandboxRoutes.of(network, endpoint, info.gateways(), info.staticRoutes()));
    }

    /** {@code text} as a MAC a container's interface can have: unicast and not all zeros (the kernel refuses those at join). */
    static String checkMac(String text) {
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw NetmgrException.invalid("invalid mac address \"" + text + "\": " + e.getMessage());
        }
        byte[] bytes = mac.bytes();
        String why = (bytes[0] & 1) != 0 ? "is a multicast address" : java.util.Arrays.equals(bytes, new byte[6]) ? "is all zeros" : null;
        if (why != null) {
            throw NetmgrException.invalid("mac address " + text + " " + why + "; give a unicast one such as 02:42:ac:11:00:02");
        }
        return mac.toString();
    }

    /** Docker's rule: 02:42 followed by the IPv4 address, so the MAC says which container it is. */
    static String macFor(List<String> addresses) {
        for (String cidr : addresses) {
            if (!cidr.contains(":")) {
                byte[] v4 = IpNet.parse(cidr).address().getAddress();
                return MacAddress.of(new byte[] {0x02, 0x42, v4[0], v4[1], v4[2], v4[3]}).toString();
            }
        }
        return MacAddress.randomLocal().toString();
    }
}
