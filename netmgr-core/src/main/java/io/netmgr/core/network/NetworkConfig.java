package io.netmgr.core.network;

import io.netmgr.core.ipam.IpamConfig;
import java.util.List;
import java.util.Map;

/**
 * What a user asks for when creating a network. Empty {@code ipam} means one default IPv4
 * pool (plus a default IPv6 pool when {@code enableIpv6}).
 */
public record NetworkConfig(String name, String driver, List<IpamConfig> ipam, Map<String, String> options,
                            Map<String, String> labels, boolean internal, boolean attachable, boolean enableIpv6) {
    /** The driver of a network created without one, as in Docker. */
    public static final String DEFAULT_DRIVER = "bridge";

    public NetworkConfig {
        ipam = List.copyOf(ipam);
        options = Map.copyOf(options);
        labels = Map.copyOf(labels);
    }

    /** A network of {@code driver} named {@code name} with default pools and no options. */
    public static NetworkConfig of(String name, String driver) {
        return new NetworkConfig(name, driver, List.of(), Map.of(), Map.of(), false, true, false);
    }

    public NetworkConfig withIpam(IpamConfig... configs) {
        return new NetworkConfig(name, driver, List.of(configs), options, labels, internal, attachable, enableIpv6);
    }

    public NetworkConfig withOption(String key, String value) {
        var o = new java.util.HashMap<>(options);
        o.put(key, value);
        return new NetworkConfig(name, driver, ipam, o, labels, internal, attachable, enableIpv6);
    }

    public NetworkConfig withLabel(String key, String value) {
        var l = new java.util.HashMap<>(labels);
        l.put(key, value);
        return new NetworkConfig(name, driver, ipam, options, l, internal, attachable, enableIpv6);
    }

    public NetworkConfig withIpv6(boolean on) {
        return new NetworkConfig(name, driver, ipam, options, labels, internal, attachable, on);
    }

    public NetworkConfig withInternal(boolean on) {
        return new NetworkConfig(name, driver, ipam, options, labels, on, attachable, enableIpv6);
    }

    /** Docker's flag for swarm networks that plain containers may join; netmgr keeps it and shows it. */
    public NetworkConfig withAttachable(boolean on) {
        return new NetworkConfig(name, driver, ipam, options, labels, internal, on, enableIpv6);
    }
}
