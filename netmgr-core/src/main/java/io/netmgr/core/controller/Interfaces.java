package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.MacAddress;
import java.util.List;

/** An endpoint's MAC address: the one asked for, if unicast, or one made from its IPv4 address. */
final class Interfaces {

    static String checkMac(String text) {
        try {
            MacAddress mac = MacAddress.parse(text);
            if ((mac.bytes()[0] & 1) != 0) {
                throw NetmgrException.invalid("mac address " + text + " is a multicast address; give a unicast one such as 02:42:ac:11:00:02");
            }
            return mac.toString();
        } catch (IllegalArgumentException e) {
            throw NetmgrException.invalid("invalid mac address \"" + text + "\": " + e.getMessage());
        }
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
