package io.netmgr.nat;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.nat.ipt.IptablesBackend;
import io.netmgr.nat.nft.NftablesBackend;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/** Opens the configured firewall backend for a host namespace. */
public final class Firewalls {
    /** The backends; nftables is the default. */
    public enum Backend {
        NFTABLES, IPTABLES;

        /** Parses a configuration value, "nftables" or "iptables". */
        public static Backend parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "nftables":
                case "nft":
                    return NFTABLES;
                case "iptables":
                    return IPTABLES;
                default:
                    throw new FirewallException(FirewallException.Reason.INVALID_ARGUMENT, "unknown firewall backend \""
                            + text + "\": choose nftables (the default) or iptables");
            }
        }
    }

    private Firewalls() {
    }

    /** The {@code backend} firewall of host namespace {@code ns}, checking host addresses with netlink. */
    public static Firewall open(Backend backend, NetNs ns) {
        return open(backend, ns, HostAddresses.of(ns));
    }

    public static Firewall open(Backend backend, NetNs ns, Supplier<Set<IpAddress>> hostAddresses) {
        return backend == Backend.NFTABLES ? new NftablesBackend(ns, hostAddresses) : new IptablesBackend(ns, hostAddresses);
    }
}
