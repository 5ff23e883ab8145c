package io.netmgr.core.network;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A network as netmgr stores it. {@code predefined} ones (bridge, host, none) cannot be removed. */
public record Network(String id, String name, String driver, List<NetworkPool> pools, Map<String, String> options,
                      Map<String, String> labels, boolean internal, boolean attachable, boolean enableIpv6,
                      boolean predefined, String created) {

    public Network {
        pools = List.copyOf(pools);
        options = Map.copyOf(options);
        labels = Map.copyOf(labels);
    }

    /** This network with {@code granted} as its pools. */
    public Network withPools(List<NetworkPool> granted) {
        return new Network(id, name, driver, granted, options, labels, internal, attachable, enableIpv6, predefined, created);
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
