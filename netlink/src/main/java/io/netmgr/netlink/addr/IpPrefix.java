package io.netmgr.netlink.addr;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPv4 or IPv6 CIDR prefix such as 10.1.0.0/24 or fd00:1::/64: a subnet, an IP range, a route.
 * The network address has no host bits set, so two equal prefixes are equal records.
 */
public record IpPrefix(IpAddress network, int length) {

    public IpPrefix {
        Objects.requireNonNull(network, "network");
        int bits = network.family().bits();
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for " + network.family()
                    + " (0-" + bits + ")");
        }
        if ((network.high() & hostMaskHigh(network.family(), length)) != 0
                || (network.low() & hostMaskLow(network.family(), length)) != 0) {
            throw new IllegalArgumentException("host bits are set; did you mean " + containing(network, length) + "?");
        }
    }

    /** Parses a subnet in CIDR notation; errors read {@code bad subnet "10.0.0.300/24": ...}. */
    public static IpPrefix parse(String text) {
        return parse(text, "subnet");
    }

    /** Parses a prefix given as {@code field} (e.g. "ip range"), naming the field in errors. */
    public static IpPrefix parse(String text, String field) {
        Objects.requireNonNull(text, field);
        try {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("missing /length, as in 10.1.0.0/24 or fd00:1::/64");
            }
            IpAddress network = AddressSyntax.parse(text.substring(0, slash));
            return new IpPrefix(network, length(text.substring(slash + 1), network.family()));
        } catch (IllegalArgumentException e) {
            throw AddressSyntax.bad(field, text, e);
        }
    }

    private static int length(String text, IpFamily family) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("\"" + text + "\" is not a prefix length (0-" + family.bits() + ")");
        }
        return Integer.parseInt(text);
    }

    /** The prefix of {@code length} bits that holds {@code address} (10.1.2.3, 16 → 10.1.0.0/16). */
    public static IpPrefix containing(IpAddress address, int length) {
        IpFamily family = address.family();
        if (length < 0 || length > family.bits()) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for " + family
                    + " (0-" + family.bits() + ")");
        }
        return new IpPrefix(new IpAddress(family, address.high() & ~hostMaskHigh(family, length),
                address.low() & ~hostMaskLow(family, length)), length);
    }

    public IpFamily family() {
        return network.family();
    }

    /** The last address: the broadcast address of an IPv4 subnet. */
    public IpAddress last() {
        IpFamily family = family();
        return new IpAddress(family, network.high() | hostMaskHigh(family, length), network.low() | hostMaskLow(family, length));
    }

    /** The IPv4 broadcast address; empty for IPv6, which has none, and for /31 and /32 (RFC 3021). */
    public Optional<IpAddress> broadcast() {
        return family() == IpFamily.V4 && length <= 30 ? Optional.of(last()) : Optional.empty();
    }

    /** How many addresses the prefix spans, network and broadcast included. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(family().bits() - length);
    }

    /** The address {@code n} after the network address (n = 0 is the network address). */
    public IpAddress nth(BigInteger n) {
        if (n.signum() < 0 || n.compareTo(size()) >= 0) {
            throw new IllegalArgumentException("address #" + n + " is outside " + this + ", which has " + size() + " addresses");
        }
        return IpAddress.of(family(), network.toBigInteger().add(n));
    }

    /** {@link #nth(BigInteger)} for a long. */
    public IpAddress nth(long n) {
        return nth(BigInteger.valueOf(n));
    }

    public boolean contains(IpAddress address) {
        IpFamily family = family();
        return address.family() == family
                && (address.high() & ~hostMaskHigh(family, length)) == network.high()
                && (address.low() & ~hostMaskLow(family, length)) == network.low();
    }

    /** Whether every address of {@code other} is in this prefix. */
    public boolean contains(IpPrefix other) {
        return other.length >= length && contains(other.network);
    }

    /** Whether the two prefixes share an address; CIDR prefixes overlap only when one contains the other. */
    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public String toString() {
        return network + "/" + length;
    }

    // the host part of a prefix as 128 bits (IPv4 in the low 32): high word, then low word
    private static long hostMaskHigh(IpFamily family, int length) {
        int hostBits = family.bits() - length;
        return hostBits <= 64 ? 0 : hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1;
    }

    private static long hostMaskLow(IpFamily family, int length) {
        int hostBits = family.bits() - length;
        return hostBits >= 64 ? -1L : (1L << hostBits) - 1;
    }
}
