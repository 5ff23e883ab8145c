package io.netmgr.netlink.addr;

/**
 * The one reader and writer of address text in netmgr: IPv4 dotted-quad and IPv6, never
 * resolving a host name (which {@code InetAddress.getByName} would do for anything it does not
 * recognise).
 * Failures are {@link IllegalArgumentException}s carrying only the reason; the public parsers
 * prefix it with the field and the text the user gave.
 */
final class AddressSyntax {

    private AddressSyntax() {
    }

    static IpAddress parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        return text.indexOf(':') >= 0 ? parseV6(text) : IpAddress.v4(parseV4(text));
    }

    /** Wraps {@code reason} as the message users see: {@code bad subnet "10.0.0.300/24": ...}. */
    static IllegalArgumentException bad(String field, String text, IllegalArgumentException reason) {
        return new IllegalArgumentException("bad " + field + " \"" + text + "\": " + reason.getMessage(), reason);
    }

    private static int parseV4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 dot-separated octets, like 10.0.0.1");
        }
        int bits = 0;
        for (String octet : octets) {
            bits = bits << 8 | octet(octet);
        }
        return bits;
    }

    private static int octet(String octet) {
        if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("\"" + octet + "\" is not a decimal IPv4 octet (0-255)");
        }
        // some tools read 010 as octal 8: refuse rather than guess
        if (octet.length() > 1 && octet.charAt(0) == '0') {
            throw new IllegalArgumentException("octet \"" + octet + "\" has a leading zero, which some tools read as octal; write "
                    + Integer.parseInt(octet));
        }
        int value = Integer.parseInt(octet);
        if (value > 255) {
            throw new IllegalArgumentException(value + " is not an IPv4 octet (0-255)");
        }
        return value;
    }

    private static IpAddress parseV6(String text) {
        if (text.indexOf('%') >= 0) {
            throw new IllegalArgumentException("a zone (%name) is not part of an address; drop it");
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException("\"::\" may appear only once");
        }
        int[] head = gap < 0 ? groups(text, true) : groups(text.substring(0, gap), false);
        int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), true);
        int count = head.length + tail.length;
        if (gap < 0 && count != 8) {
            throw new IllegalArgumentException("an IPv6 address has 8 groups (or \"::\" for a run of zeros), found " + count);
        }
        if (gap >= 0 && count > 7) {
            throw new IllegalArgumentException("\"::\" stands for at least one zero group, but 8 groups are already given");
        }
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++) {
            high = high << 16 | all[i];
            low = low << 16 | all[i + 4];
        }
        return new IpAddress(IpFamily.V6, high, low);
    }

    // the groups of one side of "::"; the last group of the address may be an embedded IPv4 address
    private static int[] groups(String part, boolean endsAddress) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] texts = part.split(":", -1);
        boolean dotted = endsAddress && texts[texts.length - 1].indexOf('.') >= 0;
        int[] groups = new int[texts.length + (dotted ? 1 : 0)];
        for (int i = 0; i < texts.length; i++) {
            String group = texts[i];
            if (dotted && i == texts.length - 1) {
                int v4 = parseV4(group);
                groups[i] = v4 >>> 16;
                groups[i + 1] = v4 & 0xffff;
            } else {
                groups[i] = hexGroup(group);
            }
        }
        return groups;
    }

    private static int hexGroup(String group) {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("empty group: a single ':' at the start or end, or ':::'");
        }
        if (group.length() > 4) {
            throw new IllegalArgumentException("group \"" + group + "\" has more than 4 hex digits");
        }
        int value = 0;
        for (int i = 0; i < group.length(); i++) {
            int digit = Character.digit(group.charAt(i), 16);
            if (digit < 0) {
                throw new IllegalArgumentException("\"" + group + "\" is not a hex group");
            }
            value = value << 4 | digit;
        }
        return value;
    }

    /**
     * RFC 5952 text: lower case, no leading zeros, the longest run (2+) of zero groups as "::";
     * an IPv4-mapped address ({@code ::ffff:10.3.0.1}) with its IPv4 part dotted (section 5),
     * as iproute2 writes it.
     */
    static String formatV6(long high, long low) {
        if (high == 0 && (low >>> 32) == 0xffffL) {
            return "::ffff:" + (low >>> 24 & 0xff) + "." + (low >>> 16 & 0xff) + "." + (low >>> 8 & 0xff) + "." + (low & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
