package io.netmgr.netlink.addr;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address as a value.
 *
 * <p>The 128 bits are held in two longs ({@code high}, {@code low}); an IPv4 address uses the low
 * 32 bits of {@code low}. Allocation walks, compares and masks addresses in tight loops, so both
 * families share one path of plain long arithmetic rather than BigInteger or InetAddress.
 */
public record IpAddress(IpFamily family, long high, long low) implements Comparable<IpAddress> {

    private static final long V4_MAX = 0xffff_ffffL;

    public IpAddress {
        Objects.requireNonNull(family, "family");
        if (family == IpFamily.V4 && (high != 0 || (low & ~V4_MAX) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has 32 bits; got high=" + Long.toHexString(high)
                    + " low=" + Long.toHexString(low));
        }
    }

    /** The IPv4 address whose 32 bits are {@code bits} (10.0.0.1 is 0x0a000001). */
    public static IpAddress v4(int bits) {
        return new IpAddress(IpFamily.V4, 0, Integer.toUnsignedLong(bits));
    }

    /** Parses an IPv4 or IPv6 address; never resolves names. */
    public static IpAddress parse(String text) {
        return parse(text, "address");
    }

    /**
     * Parses an address given as {@code field} (e.g. "gateway"), so that errors read
     * {@code bad gateway "10.0.0.300": 300 is not an IPv4 octet (0-255)}.
     */
    public static IpAddress parse(String text, String field) {
        Objects.requireNonNull(text, field);
        try {
            return AddressSyntax.parse(text);
        } catch (IllegalArgumentException e) {
            throw AddressSyntax.bad(field, text, e);
        }
    }

    /** The address of {@code address} (4 bytes: IPv4, 16 bytes: IPv6). */
    public static IpAddress of(InetAddress address) {
        return of(address.getAddress());
    }

    /** The address in network byte order: 4 bytes for IPv4, 16 for IPv6. */
    public static IpAddress of(byte[] bytes) {
        if (bytes.length == 4) {
            return v4((int) bigEndian(bytes, 0, 4));
        }
        if (bytes.length == 16) {
            return new IpAddress(IpFamily.V6, bigEndian(bytes, 0, 8), bigEndian(bytes, 8, 8));
        }
        throw new IllegalArgumentException("an address has 4 (IPv4) or 16 (IPv6) bytes, got " + bytes.length);
    }

    /** The {@code family} address whose value is {@code value}. */
    public static IpAddress of(IpFamily family, BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > family.bits()) {
            throw new IllegalArgumentException(value + " is not a " + family + " address value");
        }
        return new IpAddress(family, value.shiftRight(64).longValue(), value.longValue());
    }

    public BigInteger toBigInteger() {
        return new BigInteger(1, toBytes());
    }

    /** Network byte order: 4 bytes for IPv4, 16 for IPv6. */
    public byte[] toBytes() {
        if (family == IpFamily.V4) {
            byte[] bytes = new byte[4];
            putBigEndian(bytes, 0, 4, low);
            return bytes;
        }
        byte[] bytes = new byte[16];
        putBigEndian(bytes, 0, 8, high);
        putBigEndian(bytes, 8, 8, low);
        return bytes;
    }

    /**
     * The JDK's address, from bytes (no name lookup). An IPv4-mapped IPv6 address
     * ({@code ::ffff:a.b.c.d}) stays IPv6, where {@link InetAddress#getByAddress(byte[])} would
     * make it IPv4: the kernel reports such addresses and routes as IPv6, with IPv6 prefix lengths.
     */
    public InetAddress toInetAddress() {
        try {
            return family == IpFamily.V4 ? InetAddress.getByAddress(toBytes()) : Inet6Address.getByAddress(null, toBytes(), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /**
     * The address as the host of a URL or of {@code host:port}: IPv6 in brackets
     * ({@code [fd00::1]}, RFC 3986), IPv4 as it is.
     */
    public String uriHost() {
        return family == IpFamily.V6 ? "[" + this + "]" : toString();
    }

    /** Whether this is 0.0.0.0 or ::, which say "every address" where a socket binds or a port is published. */
    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    /** Whether this is an IPv4 address. */
    public boolean isV4() {
        return family == IpFamily.V4;
    }

    /**
     * The address {@code n} (≥ 0) after this one.
     *
     * @throws ArithmeticException past the family's last address
     */
    public IpAddress plus(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (family == IpFamily.V4) {
            long sum = low + n;
            if (sum > V4_MAX || sum < 0) {
                throw new ArithmeticException("no IPv4 address " + n + " after " + this);
            }
            return new IpAddress(family, 0, sum);
        }
        long sumLow = low + n;
        boolean carry = Long.compareUnsigned(sumLow, low) < 0;
        if (carry && high == -1L) {
            throw new ArithmeticException("no IPv6 address " + n + " after " + this);
        }
        return new IpAddress(family, carry ? high + 1 : high, sumLow);
    }

    /** The next address; see {@link #plus}. */
    public IpAddress next() {
        return plus(1);
    }

    /** IPv4 before IPv6; within a family, numeric order. */
    @Override
    public int compareTo(IpAddress other) {
        int byFamily = family.compareTo(other.family);
        if (byFamily != 0) {
            return byFamily;
        }
        int byHigh = Long.compareUnsigned(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    /** Dotted quad for IPv4; RFC 5952 (lower case, shortest) for IPv6. */
    @Override
    public String toString() {
        if (family == IpFamily.V4) {
            return (low >>> 24) + "." + (low >>> 16 & 0xff) + "." + (low >>> 8 & 0xff) + "." + (low & 0xff);
        }
        return AddressSyntax.formatV6(high, low);
    }

    private static long bigEndian(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = value << 8 | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    private static void putBigEndian(byte[] bytes, int offset, int length, long value) {
        for (int i = length - 1; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }
}
