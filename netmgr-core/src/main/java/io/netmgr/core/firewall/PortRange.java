package io.netmgr.core.firewall;

/** One port or an inclusive range of ports, each within 1-65535. */
public record PortRange(int first, int last) {
    public static final int MAX_PORT = 65535;

    public PortRange {
        check(first);
        check(last);
        if (first > last) {
            throw FirewallException.invalid("port range " + first + "-" + last
                    + " is inverted; write the lower port first, as in " + last + "-" + first);
        }
    }

    /** The single port {@code port}. */
    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /**
     * Parses "8080" or "8080-8090" given as {@code field} (e.g. "host port"), naming the field in
     * errors: {@code bad host port "0": 0 is outside 1-65535}.
     */
    public static PortRange parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw FirewallException.invalid(field + " is missing: give a port (1-65535) or a range such as 8000-8010");
        }
        String t = text.trim();
        int dash = t.indexOf('-');
        try {
            int first = number(dash < 0 ? t : t.substring(0, dash));
            int last = dash < 0 ? first : number(t.substring(dash + 1));
            return new PortRange(first, last);
        } catch (FirewallException e) {
            throw FirewallException.invalid("bad " + field + " \"" + text + "\": " + e.getMessage());
        }
    }

    public int size() {
        return last - first + 1;
    }

    public boolean overlaps(PortRange other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }

    private static int number(String digits) {
        String d = digits.trim();
        if (d.isEmpty() || d.length() > 6 || !d.chars().allMatch(Character::isDigit)) {
            throw FirewallException.invalid("\"" + d + "\" is not a port number (1-65535)");
        }
        int port = Integer.parseInt(d);
        check(port);
        return port;
    }

    private static void check(int port) {
        if (port < 1 || port > MAX_PORT) {
            throw FirewallException.invalid("port " + port + " is outside 1-" + MAX_PORT);
        }
    }
}
