package io.netmgr.netlink.link;

import java.net.InetAddress;

/**
 * A VXLAN tunnel endpoint.
 *
 * @param vni           VXLAN network identifier (1..16777215)
 * @param local         source address of the underlay, or null
 * @param remote        a unicast remote or a multicast group, or null (then peers come from the FDB)
 * @param port          UDP destination port (4789 when 0)
 * @param learning      learn remote MACs from received packets
 * @param proxy         answer ARP from the neighbour table (ARP suppression)
 * @param ttl           underlay TTL, 0 to inherit
 * @param underlayIndex ifindex of the underlay device, 0 for none
 */
public record Vxlan(LinkAttrs attrs, int vni, InetAddress local, InetAddress remote, int port, boolean learning,
        boolean proxy, int ttl, int underlayIndex) implements Link {
    public static final int IANA_PORT = 4789;

    public Vxlan {
        if (vni < 0 || vni > 0xffffff) {
            throw new IllegalArgumentException("VXLAN VNI must be 0..16777215, got " + vni);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("VXLAN port must be 0..65535, got " + port);
        }
    }

    /** A VXLAN on the IANA port with learning on, to be refined with the withers. */
    public static Vxlan of(String name, int vni) {
        return new Vxlan(LinkAttrs.named(name), vni, null, null, IANA_PORT, true, false, 0, 0);
    }

    public Vxlan withLocal(InetAddress local) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withRemote(InetAddress remote) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withPort(int port) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withLearning(boolean learning) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withProxy(boolean proxy) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withTtl(int ttl) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withUnderlay(int underlayIndex) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    public Vxlan withAttrs(LinkAttrs attrs) {
        return new Vxlan(attrs, vni, local, remote, port, learning, proxy, ttl, underlayIndex);
    }

    @Override
    public String kind() {
        return "vxlan";
    }
}
