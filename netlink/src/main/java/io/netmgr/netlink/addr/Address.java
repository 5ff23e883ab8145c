package io.netmgr.netlink.addr;

/**
 * An address assigned to a link. {@code scope} is the kernel's (0 global, 253 link, 254 host);
 * {@code flags} are IFA_F_* (e.g. {@link #NODAD}, permanent, tentative).
 */
public record Address(int linkIndex, IpNet ip, int scope, int flags) {
    public static final int SCOPE_UNIVERSE = 0, SCOPE_LINK = 253, SCOPE_HOST = 254;
    /** IPv6: skip duplicate address detection, so the address is usable at once. */
    public static final int NODAD = 0x02;
    public static final int TENTATIVE = 0x40;
    public static final int PERMANENT = 0x80;

    /** A global-scope address for {@code linkIndex}. */
    public static Address of(int linkIndex, IpNet ip) {
        return new Address(linkIndex, ip, SCOPE_UNIVERSE, 0);
    }

    public Address withFlags(int extraFlags) {
        return new Address(linkIndex, ip, scope, flags | extraFlags);
    }
}
