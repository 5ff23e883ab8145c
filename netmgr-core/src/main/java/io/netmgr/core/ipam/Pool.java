package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Objects;

/**
 * An address pool granted to a network: its id (for the other IPAM calls), the network that
 * owns it, and its addressing with the gateway settled (given, or chosen by the driver).
 */
public record Pool(String id, String owner, IpamConfig config) {

    public Pool {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(config, "config");
        if (config.gateway().isEmpty()) {
            throw new IllegalArgumentException("pool " + id + " needs its gateway settled; use config.withGateway(config.gatewayOrDefault())");
        }
    }

    public IpPrefix subnet() {
        return config.subnet();
    }

    public IpFamily family() {
        return config.family();
    }

    public IpAddress gateway() {
        return config.gateway().orElseThrow();
    }
}
