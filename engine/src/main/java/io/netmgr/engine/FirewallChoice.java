package io.netmgr.engine;

import io.netmgr.nat.Firewalls;
import java.util.Locale;
import java.util.Optional;

/** Which firewall an engine runs: one of the two backends, or none for a user that keeps its own. */
public enum FirewallChoice {
    NFTABLES(Optional.of(Firewalls.Backend.NFTABLES)),
    IPTABLES(Optional.of(Firewalls.Backend.IPTABLES)),
    NONE(Optional.empty());

    private final Optional<Firewalls.Backend> backend;

    FirewallChoice(Optional<Firewalls.Backend> backend) {
        this.backend = backend;
    }

    /**
     * Reads the configuration value {@code text} of {@code field} (an option, a configuration
     * field or an environment variable, named in the error): nftables (also "nft"), iptables or
     * none, in any case.
     */
    public static FirewallChoice parse(String field, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "nftables", "nft" -> NFTABLES;
            case "iptables" -> IPTABLES;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unknown firewall \"" + text + "\" in " + field
                    + ": choose nftables (the default), iptables or none");
        };
    }

    /** The backend to open; empty for {@link #NONE}. */
    public Optional<Firewalls.Backend> backend() {
        return backend;
    }
}
