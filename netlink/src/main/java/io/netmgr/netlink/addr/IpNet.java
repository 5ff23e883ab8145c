package io.netmgr.netlink.addr;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/** An IP address with a prefix length, as {@code 10.1.0.2/24} or {@code fd00::2/64}. */
public record IpNet(InetAddress address, int prefixLength) {

    public IpNet {
        Objects.requireNonNull(address, "address");
        int max = maxPrefix(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for "
                    + format(address) + "; use 0.." + max);
        }
    }

    /** Parses {@code a.b.c.d/len} or {@code v6/len}; a missing length means a single host. */
    public static IpNet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address; expected an address like 10.1.0.2/24");
        }
        int slash = text.indexOf('/');
        InetAddress address = parseAddress(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return new IpNet(address, maxPrefix(address));
        }
        String len = text.substring(slash + 1);
        // Plain decimal only: Integer.parseInt would take "+24" and non-ASCII digits, and
        // iproute2 reads "024" as octal (20).
        if (!len.matches("0|[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("bad prefix length '" + len + "' in address '" + text
                    + "'; expected a number 0.." + maxPrefix(address));
        }
        return new IpNet(address, Integer.parseInt(len));
    }

    /**
     * Parses a literal IPv4 or IPv6 address without ever resolving a host name (which
     * {@link InetAddress#getByName} would do for anything that is not a literal).
     */
    public static InetAddress parseAddress(String text) {
        String s = text.trim();
        byte[] bytes = s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
        if (bytes == null) {
            throw new IllegalArgumentException("bad IP address '" + text + "'; expected e.g. 10.1.0.2 or fd00::2");
        }
        return addressOf(bytes);
    }

    /**
     * The address of 4 or 16 bytes, of the family that length says. Unlike
     * {@link InetAddress#getByAddress(byte[])}, which turns an IPv4-mapped IPv6 address
     * ({@code ::ffff:a.b.c.d}) into IPv4: the kernel reports such addresses and routes as IPv6,
     * with IPv6 prefix lengths.
     */
    public static InetAddress addressOf(byte[] bytes) {
        try {
            return switch (bytes.length) {
                case 4 -> InetAddress.getByAddress(bytes);
                case 16 -> Inet6Address.getByAddress(null, bytes, -1);
                default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
            };
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // length checked
        }
    }

    public static IpNet host(InetAddress address) {
        return new IpNet(address, maxPrefix(address));
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** This prefix with the host bits cleared: {@code 10.1.0.2/24} → {@code 10.1.0.0/24}. */
    public IpNet network() {
        byte[] b = address.getAddress();
        for (int bit = prefixLength; bit < b.length * 8; bit++) {
            b[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return new IpNet(addressOf(b), prefixLength);
    }

    /** The IPv4 broadcast address of this prefix. */
    public InetAddress broadcast() {
        byte[] b = address.getAddress();
        for (int bit = prefixLength; bit < b.length * 8; bit++) {
            b[bit / 8] |= (byte) (0x80 >> (bit % 8));
        }
        return addressOf(b);
    }

    /** Whether {@code other} lies inside this prefix. */
    public boolean contains(InetAddress other) {
        return other.getClass() == address.getClass()
                && new IpNet(other, prefixLength).network().address.equals(network().address);
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefixLength;
    }

    /** The address as people write it: dotted quad, or IPv6 with the longest zero run as "::" (RFC 5952). */
    public static String format(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        if (isIpv4Mapped(b)) {
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1, bestLen = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    static int maxPrefix(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    /** {@code ::ffff:a.b.c.d}, which RFC 5952 (section 5) writes with the IPv4 part dotted. */
    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            // ASCII decimal without leading zeros: Character.isDigit takes other scripts' digits,
            // and inet_aton reads "010" as octal (8) where others read 10.
            if (!parts[i].matches("0|[1-9][0-9]{0,2}")) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] parseV6(String s) {
        if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null; // rejects zones, brackets and names before InetAddress sees them
        }
        try {
            byte[] b = InetAddress.getByName(s).getAddress(); // a literal by now: no lookup happens
            if (b.length == 4) { // Java reads ::ffff:a.b.c.d as IPv4; keep it the IPv6 address it is
                byte[] mapped = new byte[16];
                mapped[10] = mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
