package io.netmgr.core.fake;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.Capability;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A driver that ignores the kernel and remembers what it made: networks, endpoints, joined
 * endpoints (with their interface), endpoints opened to the outside. Each call is a step {@link Faults}
 * can fail, and a failed call makes nothing, as the driver contract asks. Its networks have
 * bridge-like firewall rules when they have addresses; option {@code fake.invalid} is refused.
 */
public final class FakeDriver implements NetworkDriver {
    private final String name;
    private final Faults faults;
    private final Scope scope;
    private final Set<String> networks = new HashSet<>();
    private final Set<String> endpoints = new HashSet<>();
    private final Map<String, String> joined = new HashMap<>();
    private final Set<String> external = new HashSet<>();
    private final Map<String, String> meshed = new HashMap<>(); // network id -> mesh address held

    public FakeDriver(String name, Faults faults) {
        this(name, faults, Scope.LOCAL);
    }

    /** A driver of data scope {@code scope}: a global one's endpoints are announced to other hosts. */
    public FakeDriver(String name, Faults faults, Scope scope) {
        this.name = name;
        this.faults = faults;
        this.scope = scope;
    }

    /** What the driver holds: network and endpoint ids, endpoint id to its interface, endpoints open to the outside. */
    public record Made(Set<String> networks, Set<String> endpoints, Map<String, String> joined, Set<String> external) {
    }

    public synchronized Made made() {
        return new Made(Set.copyOf(networks), Set.copyOf(endpoints), Map.copyOf(joined), Set.copyOf(external));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capability capability() {
        return new Capability(scope, false, false, List.of());
    }

    @Override
    public void validate(Network network) {
        faults.step("driver validate " + network.name());
        if (network.options().containsKey("fake.invalid")) {
            throw NetmgrException.invalid("network " + network.name() + ": option fake.invalid is refused");
        }
    }

    @Override
    public synchronized void createNetwork(HostContext host, Network network) {
        faults.step("driver createNetwork " + network.name());
        if (!networks.add(network.id())) {
            throw new IllegalStateException("network " + network.name() + " made twice");
        }
    }

    @Override
    public synchronized void deleteNetwork(HostContext host, Network network) {
        faults.step("driver deleteNetwork " + network.name());
        networks.remove(network.id());
    }

    @Override
    public synchronized void createEndpoint(HostContext host, Network network, Endpoint endpoint) {
        faults.step("driver createEndpoint " + endpoint.name());
        if (!endpoints.add(endpoint.id())) {
            throw new IllegalStateException("endpoint " + endpoint.name() + " made twice");
        }
    }

    @Override
    public synchronized void deleteEndpoint(HostContext host, Network network, Endpoint endpoint) {
        faults.step("driver deleteEndpoint " + endpoint.name());
        endpoints.remove(endpoint.id());
    }

    @Override
    public synchronized JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        faults.step("driver join " + endpoint.name());
        if (!networks.contains(network.id())) {
            throw new IllegalStateException("join to network " + network.name() + ", which the driver never made");
        }
        if (!endpoints.contains(endpoint.id())) {
            throw new IllegalStateException("join of endpoint " + endpoint.name() + ", which the driver never made");
        }
        if (joined.putIfAbsent(endpoint.id(), endpoint.interfaceName()) != null) {
            throw new IllegalStateException("endpoint " + endpoint.name() + " joined twice");
        }
        return JoinInfo.created(endpoint.interfaceName(), "fk" + endpoint.id().substring(0, 12));
    }

    @Override
    public synchronized void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        faults.step("driver leave " + endpoint.name());
        joined.remove(endpoint.id());
    }

    @Override
    public synchronized void programExternalConnectivity(HostContext host, Network network, Endpoint endpoint) {
        faults.step("driver programExternalConnectivity " + endpoint.name());
        external.add(endpoint.id());
    }

    @Override
    public synchronized void revokeExternalConnectivity(HostContext host, Network network, Endpoint endpoint) {
        faults.step("driver revokeExternalConnectivity " + endpoint.name());
        external.remove(endpoint.id());
    }

    /** A global driver joins a network's data plane for the service mesh; the MAC answered is derived from the address. */
    @Override
    public synchronized String meshJoin(HostContext host, Network network, io.netmgr.netlink.addr.IpNet address) {
        if (scope != Scope.GLOBAL) {
            throw new UnsupportedOperationException("driver " + name + " has no data plane to join for the service mesh");
        }
        faults.step("driver meshJoin " + network.name());
        meshed.put(network.id(), address.toString());
        return "02:42:00:00:00:" + String.format("%02x", address.address().toBytes()[3] & 0xff);
    }

    @Override
    public synchronized void meshLeave(HostContext host, Network network) {
        meshed.remove(network.id());
    }

    /** The mesh addresses this host holds, by network id. */
    public synchronized Map<String, String> meshed() {
        return Map.copyOf(meshed);
    }

    @Override
    public Optional<NetworkRules> firewallRules(Network network) {
        if (network.pools().isEmpty()) {
            return Optional.empty();
        }
        IpPrefix[] subnets = network.pools().stream().map(NetworkPool::subnet).toArray(IpPrefix[]::new);
        return Optional.of(NetworkRules.bridge(network.id(), "fk" + network.id().substring(0, 12), subnets)
                .withInternal(network.internal()));
    }
}
