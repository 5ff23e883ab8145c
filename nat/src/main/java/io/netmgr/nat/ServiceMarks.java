package io.netmgr.nat;

/**
 * The packet mark bits a service's rules set on a connection's first packet, one definition for
 * both firewall backends (a packet marked by one is read the same way by the other's rules, and a
 * user's own rules can rely on them): DNATed by a service, so the forward hook accepts it; source
 * NAT wanted; a container's VIP flow. Each renderer writes them in its tool's usual notation.
 */
public final class ServiceMarks {
    /** DNATed by a service: the forward hook accepts it. */
    public static final int SERVICE_MARK = 0x1000;
    /** Source NAT wanted: ingress traffic, and a VIP flow not bridged to its backend, leave with the host's address. */
    public static final int MASQUERADE_MARK = 0x2000;
    public static final int SERVICE_AND_MASQUERADE = SERVICE_MARK | MASQUERADE_MARK;
    /**
     * A container's flow to a VIP, which needs no source NAT if it is bridged to its backend:
     * br_netfilter then DNATs it on the bridge, and its replies cross the same bridge's hooks,
     * which undo the DNAT, so the backend sees the client's own address (as Docker's VIPs show it).
     * Not 0x4000 or 0x8000: kube-proxy's masquerade and drop marks, which a host where netmgr is
     * Kubernetes' CNI plugin also sees.
     */
    public static final int CONTAINER_VIP_MARK = 0x0800;
    /** All three: the marks a container's VIP flow gets at once. */
    public static final int CONTAINER_VIP = SERVICE_AND_MASQUERADE | CONTAINER_VIP_MARK;

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
