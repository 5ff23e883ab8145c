package io.netmgr.nat;

/**
 * The packet mark bits a service's rules set on a connection's first packet, one definition for
 * both firewall backends (a packet marked by one is read the same way by the other's rules, and a
 * user's own rules can rely on them): DNATed by a service, so the forward hook accepts it; source
 * NAT wanted. Each renderer writes them in its tool's usual notation.
 */
public final class ServiceMarks {
    /** DNATed by a service: the forward hook accepts it. */
    public static final int SERVICE_MARK = 0x1000;
    /** Source NAT wanted: ingress (and VIP) traffic leaves with the host's address. */
    public static final int MASQUERADE_MARK = 0x2000;
    public static final int SERVICE_AND_MASQUERADE = SERVICE_MARK | MASQUERADE_MARK;

    private ServiceMarks() {
    }

    /** {@code mark} as nft lists it: 0x and 8 hex digits. */
    public static String nft(int mark) {
        return String.format("0x%08x", mark);
    }

    /** {@code mark} as iptables-save shows it: 0x and the hex digits. */
    public static String iptables(int mark) {
        return "0x" + Integer.toHexString(mark);
    }
}
