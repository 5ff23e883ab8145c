package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.CniDrivers;
import io.netmgr.cni.config.ConfObject;
import io.netmgr.cni.config.NetConf;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.CniMapping;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.network.NetworkPool;
import java.util.Map;
import java.util.Optional;

/**
 * The netmgr network a CNI configuration stands for: same name, made on first use from the
 * configuration, and shared from then on with every other netmgr user of the store. A
 * configuration that contradicts the existing network (another subnet, driver or bridge) is
 * refused rather than silently served from the old one.
 */
final class NetworkDefinition {
    private NetworkDefinition() {
    }

    /** The network of {@code conf}, created when absent. */
    static Network ensure(NetworkController c, NetConf conf) {
        Optional<Network> existing = find(c, conf.name());
        if (existing.isPresent()) {
            checkMatches(existing.get(), conf);
            return existing.get();
        }
        return c.createNetwork(toConfig(conf));
    }

    static Optional<Network> find(NetworkController c, String name) {
        try {
            Network n = c.network(name);
            // an ID prefix that happens to equal the name must not select another network
            return n.name().equals(name) ? Optional.of(n) : Optional.empty();
        } catch (NetmgrException e) {
            if (e.kind() == NetmgrException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static NetworkConfig toConfig(NetConf conf) {
        NetworkConfig config = NetworkConfig.of(conf.name(), conf.driver());
        IpamConfig[] ipam = conf.ranges().stream().map(NetworkDefinition::ipamConfig).toArray(IpamConfig[]::new);
        if (ipam.length > 0) {
            config = config.withIpam(ipam);
        }
        if (conf.ranges().stream().anyMatch(r -> r.subnet().family() == IpFamily.V6)) {
            config = config.withIpv6(true);
        }
        if (conf.mtu() != 0) {
            config = config.withOption("mtu", Integer.toString(conf.mtu()));
        }
        for (Map.Entry<String, String> o : conf.driverOptions().entrySet()) {
            config = config.withOption(o.getKey(), o.getValue());
        }
        return config.withLabel("io.netmgr.cni", "true");
    }

    /** One range set as a netmgr pool: its subnet, gateway and the address ranges handed out. */
    static IpamConfig ipamConfig(NetConf.Range r) {
        try {
            IpamConfig i = IpamConfig.of(r.subnet()).withAddressRanges(r.addressRanges());
            return r.gateway().map(i::withGateway).orElse(i);
        } catch (IllegalArgumentException e) {
            throw ConfObject.invalid("range set " + r.describe() + ": " + e.getMessage());
        }
    }

    private static void checkMatches(Network n, NetConf conf) {
        if (!n.driver().equals(conf.driver())) {
            throw conflict(n, "driver " + n.driver(), "driver " + conf.driver());
        }
        for (NetConf.Range r : conf.ranges()) {
            Optional<NetworkPool> pool = n.pools().stream().filter(p -> p.subnet().equals(r.subnet().toString())).findFirst();
            if (pool.isEmpty()) {
                throw conflict(n, "subnets " + n.pools().stream().map(NetworkPool::subnet).toList(), "subnet " + r.subnet());
            }
            if (r.gateway().isPresent() && !pool.get().gateway().equals(r.gateway().get().toString())) {
                throw conflict(n, "gateway " + pool.get().gateway(), "gateway " + r.gateway().get());
            }
            IpamConfig wanted = ipamConfig(r);
            String ranges = wanted.isNarrowed() ? wanted.allocationText() : null;
            if (!java.util.Objects.equals(ranges, pool.get().ipRange())) {
                throw conflict(n, "addresses from " + describe(pool.get().ipRange(), pool.get().subnet()), "addresses from "
                        + describe(ranges, pool.get().subnet()));
            }
        }
        CniMapping mapping = CniDrivers.mapping(conf.driver());
        for (Map.Entry<String, String> fixed : mapping.fixed().entrySet()) {
            String key = fixed.getKey();
            Optional<String> byDefault = Optional.of(fixed.getValue()).filter(v -> !v.isEmpty());
            Optional<String> asked = Optional.ofNullable(conf.driverKeys().get(key)).or(() -> byDefault);
            Optional<String> has = n.option(mapping.keys().get(key)).or(() -> byDefault);
            if (asked.isPresent() && !asked.equals(has)) {
                throw conflict(n, key + " " + has.orElse("(the driver's default)"), key + " " + asked.get());
            }
        }
    }

    private static String describe(String ranges, String subnet) {
        return ranges == null ? "all of " + subnet : ranges;
    }

    private static CniError conflict(Network n, String has, String asked) {
        return new CniError(CniError.INVALID_NETWORK_CONFIG, "network " + n.name() + " already exists in netmgr with " + has
                + ", but this configuration asks for " + asked,
                "give the configuration another name, or remove the network (netmgr network rm " + n.name() + ") once unused");
    }
}
