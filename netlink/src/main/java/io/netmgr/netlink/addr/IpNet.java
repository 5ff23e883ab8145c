package io.netmgr.netlink.addr;

import java.util.Objects;

/**
 * An interface address: an IP address with the prefix length of its subnet, as {@code 10.1.0.2/24}
 * or {@code fd00::2/64}. Unlike an {@link IpPrefix}, the host bits are the point.
 */
public record IpNet(IpAddress address, int prefixLength) {

    public IpNet {
        Objects.requireNonNull(address, "address");
        int max = address.family().bits();
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for " + address
                    + "; use 0.." + max);
        }
    }

    /** Parses {@code a.b.c.d/len} or {@code v6/len}; a missing length means a single host. */
    public static IpNet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address; expected an address like 10.1.0.2/24");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        IpAddress address = IpAddress.parse(slash < 0 ? s : s.substring(0, slash));
        if (slash < 0) {
            return host(address);
        }
        String len = s.substring(slash + 1);
        // Plain decimal only: Integer.parseInt would take "+24" and non-ASCII digits, and
        // iproute2 reads "024" as octal (20).
        if (!len.matches("0|[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("bad prefix length '" + len + "' in address '" + text
                    + "'; expected a number 0.." + address.family().bits());
        }
        return new IpNet(address, Integer.parseInt(len));
    }

    /** The address alone, with its family's full length (/32 or /128). */
    public static IpNet host(IpAddress address) {
        return new IpNet(address, address.family().bits());
    }

    public IpFamily family() {
        return address.family();
    }

    public boolean isIpv6() {
        return address.family() == IpFamily.V6;
    }

    /** The subnet this address is in: {@code 10.1.0.2/24} → {@code 10.1.0.0/24}. */
    public IpPrefix prefix() {
        return IpPrefix.containing(address, prefixLength);
    }

    /** This prefix with the host bits cleared: {@code 10.1.0.2/24} → {@code 10.1.0.0/24}. */
    public IpNet network() {
        return new IpNet(prefix().network(), prefixLength);
    }

    /** The last address of the subnet: the IPv4 broadcast address. */
    public IpAddress broadcast() {
        return prefix().last();
    }

    /** Whether {@code other} lies inside this address's subnet. */
    public boolean contains(IpAddress other) {
        return prefix().contains(other);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
