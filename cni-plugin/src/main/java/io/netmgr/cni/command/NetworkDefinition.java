package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.ConfObject;
import io.netmgr.cni.config.NetConf;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.drivers.macvlan.MacvlanDriver;
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
        if (conf.driver().equals(BridgeDriver.NAME)) {
            if (conf.bridge().isPresent()) {
                config = config.withOption(BridgeDriver.NAME_OPTION, conf.bridge().get());
            }
            // CNI's defaults, not Docker's: no masquerade and no hairpin unless asked for
            config = config.withOption("masquerade", Boolean.toString(conf.ipMasq()))
                    .withOption("hairpin", Boolean.toString(conf.hairpinMode()));
            if (!conf.isGateway()) {
                config = config.withOption(BridgeDriver.GATEWAY_OPTION, "false");
            }
        } else {
            config = config.withOption(MacvlanDriver.PARENT_OPTION, conf.master().orElseThrow());
            if (conf.macvlanMode().isPresent()) {
                config = config.withOption(MacvlanDriver.MODE_OPTION, conf.macvlanMode().get());
            }
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
        if (conf.driver().equals(BridgeDriver.NAME) && BridgeDriver.holdsGateway(n) != conf.isGateway()) {
            throw conflict(n, "isGateway " + BridgeDriver.holdsGateway(n), "isGateway " + conf.isGateway());
        }
        if (conf.driver().equals(BridgeDriver.NAME) && conf.bridge().isPresent()
                && !conf.bridge().get().equals(BridgeDriver.bridgeName(n))) {
            throw conflict(n, "bridge " + BridgeDriver.bridgeName(n), "bridge " + conf.bridge().get());
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
