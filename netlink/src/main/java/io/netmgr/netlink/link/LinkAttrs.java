package io.netmgr.netlink.link;

import java.util.Optional;

/**
 * What every link has. For a link read from the kernel all known fields are set; for a link
 * to create, only {@code name} is required and zero / {@code null} mean "kernel default".
 *
 * @param index       ifindex (0 when creating)
 * @param name        interface name, at most 15 bytes
 * @param mtu         MTU, 0 for the default
 * @param mac         hardware address, {@code null} for a generated one
 * @param masterIndex ifindex of the bridge (or other master) it is enslaved to, 0 for none
 * @param flags       IFF_* flags (IFF_UP is 1)
 * @param operState   RFC 2863 operational state as the kernel reports it ("up", "down", "unknown"...)
 * @param linkIndex   IFLA_LINK: the peer (veth) or parent (macvlan, vlan), 0 for none
 */
public record LinkAttrs(int index, String name, int mtu, MacAddress mac, int masterIndex, int flags,
        String operState, int linkIndex) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_LOWER_UP = 0x10000;
    /** IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_NAME_BYTES = 15;

    /** Attributes of a link to create, named {@code name}. */
    public static LinkAttrs named(String name) {
        return new LinkAttrs(0, name, 0, null, 0, 0, null, 0);
    }

    public LinkAttrs withMtu(int mtu) {
        return new LinkAttrs(index, name, mtu, mac, masterIndex, flags, operState, linkIndex);
    }

    public LinkAttrs withMac(MacAddress mac) {
        return new LinkAttrs(index, name, mtu, mac, masterIndex, flags, operState, linkIndex);
    }

    public LinkAttrs withMaster(int masterIndex) {
        return new LinkAttrs(index, name, mtu, mac, masterIndex, flags, operState, linkIndex);
    }

    /** Administratively up (IFF_UP). When creating, the link is brought up with its creation. */
    public boolean up() {
        return (flags & IFF_UP) != 0;
    }

    public LinkAttrs withUp(boolean up) {
        return new LinkAttrs(index, name, mtu, mac, masterIndex, up ? flags | IFF_UP : flags & ~IFF_UP, operState, linkIndex);
    }

    public Optional<MacAddress> macAddress() {
        return Optional.ofNullable(mac);
    }
}
