package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.MacAddress;
import java.util.List;

/** An endpoint's MAC address: the one asked for, if unicast, or one made from its IPv4 address. */
final class Interfaces {

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
    static String macFor(List<IpNet> addresses) {
        for (IpNet ip : addresses) {
            if (ip.family() == IpFamily.V4) {
                byte[] v4 = ip.address().toBytes();
                return MacAddress.of(new byte[] {0x02, 0x42, v4[0], v4[1], v4[2], v4[3]}).toString();
            }
        }
        return MacAddress.randomLocal().toString();
    }
}
