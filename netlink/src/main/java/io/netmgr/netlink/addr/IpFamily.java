package io.netmgr.netlink.addr;

/** An IP address family: IPv4 or IPv6. */
public enum IpFamily {
    V4(32, "IPv4"),
    V6(128, "IPv6");

    private final int bits;
    private final String label;

    IpFamily(int bits, String label) {
        this.bits = bits;
        this.label = label;
    }

    /** The width of an address: 32 or 128. */
    public int bits() {
        return bits;
    }

    @Override
    public String toString() {
        return label;
    }
}
