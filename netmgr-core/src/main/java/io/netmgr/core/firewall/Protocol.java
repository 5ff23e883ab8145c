package io.netmgr.core.firewall;

import java.util.Locale;

/** A transport protocol whose ports can be published. */
public enum Protocol {
    TCP, UDP;

    /** Parses "tcp" or "udp" (any case); anything else is a clear error. */
    public static Protocol parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "tcp":
                    return TCP;
                case "udp":
                    return UDP;
                default:
                    break;
            }
        }
        throw FirewallException.invalid("bad protocol \"" + text + "\": ports can be published for tcp or udp");
    }

    /** The lower-case name used by nft, iptables and Docker's port specs. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return keyword();
    }
}
