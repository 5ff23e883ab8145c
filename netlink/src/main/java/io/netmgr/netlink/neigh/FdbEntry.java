package io.netmgr.netlink.neigh;

import io.netmgr.netlink.link.MacAddress;
import java.net.InetAddress;

/**
 * A bridge forwarding-database entry: frames for {@code mac} leave through {@code linkIndex}.
 * {@code self} puts it in the device's own table (a VXLAN device: {@code destination} is the
 * remote VTEP); {@code master} in the bridge the device is enslaved to. The all-zero MAC with a
 * destination is a VXLAN flood entry (several may exist, one per remote host).
 */
public record FdbEntry(int linkIndex, MacAddress mac, InetAddress destination, boolean self, boolean master,
                       int state) {
    public static final MacAddress FLOOD = new MacAddress(0);

    /** A permanent entry in a VXLAN device's own table pointing {@code mac} at a remote VTEP. */
    public static FdbEntry vxlan(int linkIndex, MacAddress mac, InetAddress remote) {
        return new FdbEntry(linkIndex, mac, remote, true, false, Neighbour.PERMANENT);
    }

    /** A permanent entry in the bridge above {@code linkIndex}. */
    public static FdbEntry bridge(int linkIndex, MacAddress mac) {
        return new FdbEntry(linkIndex, mac, null, false, true, Neighbour.PERMANENT);
    }

    public boolean isFlood() {
        return mac.equals(FLOOD);
    }
}
