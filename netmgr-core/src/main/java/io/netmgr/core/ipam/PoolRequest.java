package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * A network's request for a pool of one family: with a config (the user's subnet), or without
 * one, to get the driver's next free default pool. {@code owner} names the network in errors.
 */
public record PoolRequest(String owner, IpFamily family, Optional<IpamConfig> config) {

    public PoolRequest {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(config, "config");
        config.filter(c -> c.family() != family).ifPresent(c -> {
            throw new IllegalArgumentException("an " + family + " pool request for network " + owner + " has "
                    + c.family() + " subnet " + c.subnet());
        });
    }

    /** A pool with the user's addressing. */
    public static PoolRequest of(String owner, IpamConfig config) {
        return new PoolRequest(owner, config.family(), Optional.of(config));
    }

    /** The next free default pool of {@code family}. */
    public static PoolRequest defaultPool(String owner, IpFamily family) {
        return new PoolRequest(owner, family, Optional.empty());
    }
}
