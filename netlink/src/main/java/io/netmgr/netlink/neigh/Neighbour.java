package io.netmgr.netlink.neigh;

import io.netmgr.netlink.link.MacAddress;
import java.net.InetAddress;

/** An ARP / NDP entry: {@code ip} on link {@code linkIndex} is at {@code mac}. {@code state} is NUD_*. */
public record Neighbour(int linkIndex, InetAddress ip, MacAddress mac, int state) {
    public static final int REACHABLE = 0x02, STALE = 0x04, NOARP = 0x40, PERMANENT = 0x80;

    /** A permanent entry, as overlays program for remote containers. */
    public static Neighbour permanent(int linkIndex, InetAddress ip, MacAddress mac) {
        return new Neighbour(linkIndex, ip, mac, PERMANENT);
    }

    public boolean isPermanent() {
        return (state & PERMANENT) != 0;
    }
}
