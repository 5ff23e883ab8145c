package io.netmgr.core.network;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A network as netmgr stores it. {@code predefined} ones (bridge, host, none) cannot be removed.
 * {@code scope} is its driver's data scope as {@code network ls} shows it, {@value #LOCAL} or
 * {@value #GLOBAL} (known to every host of the cluster).
 */
public record Network(String id, String name, String driver, List<NetworkPool> pools, Map<String, String> options,
                      Map<String, String> labels, boolean internal, boolean attachable, boolean enableIpv6,
                      boolean predefined, String created, String scope) {
    public static final String LOCAL = "local";
    public static final String GLOBAL = "global";

    public Network {
        pools = List.copyOf(pools);
        options = Map.copyOf(options);
        labels = Map.copyOf(labels);
        scope = scope == null ? LOCAL : scope; // records stored before networks had a scope were all local
    }

    /** A local network. */
    public Network(String id, String name, String driver, List<NetworkPool> pools, Map<String, String> options,
                   Map<String, String> labels, boolean internal, boolean attachable, boolean enableIpv6,
                   boolean predefined, String created) {
        this(id, name, driver, pools, options, labels, internal, attachable, enableIpv6, predefined, created, LOCAL);
    }

    /** This network with {@code changed} as its options. */
    public Network withOptions(Map<String, String> changed) {
        return new Network(id, name, driver, pools, changed, labels, internal, attachable, enableIpv6, predefined, created, scope);
    }

    /** This network with {@code granted} as its pools. */
    public Network withPools(List<NetworkPool> granted) {
        return new Network(id, name, driver, granted, options, labels, internal, attachable, enableIpv6, predefined, created, scope);
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
