package io.netmgr.core.controller;

import static io.netmgr.core.controller.StateStore.ENDPOINTS;
import static io.netmgr.core.controller.StateStore.NETWORKS;
import static io.netmgr.core.controller.StateStore.SANDBOXES;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Container Network Model: networks, sandboxes and endpoints, kept in a {@link Store} and
 * made real in the kernel by drivers. Bound to one "host" namespace (the process's own by
 * default; tests pass a fresh one). Each mutation validates first, then changes the kernel and
 * commits one store transaction; when a step fails, the steps before it are undone.
 */
public final class NetworkController implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    private final HostContext host;
    private final StateStore state;
    private final IpamDriver ipam;
    private final DriverRegistry drivers;
    private final Sandboxes sandboxes;
    private final Interfaces interfaces = new Interfaces();
    private final Object lock = new Object();
    private final List<String> lastReconcile;

    public NetworkController(NetNs hostNamespace, Store store, IpamDriver ipam, DriverRegistry drivers, Path sandboxRunDir) {
        this.host = new HostContext(hostNamespace, NetlinkHandle.open(hostNamespace));
        this.state = new StateStore(store);
        this.ipam = ipam;
        this.drivers = drivers;
        this.sandboxes = new Sandboxes(state, sandboxRunDir);
        this.lastReconcile = reconcile();
        createPredefinedNetworks();
    }

    /**
     * Compares the store with the kernel and IPAM and repairs both ways (see {@link Reconciler});
     * runs at start. Returns one line per change, for the log.
     */
    public List<String> reconcile() {
        synchronized (lock) {
            return new Reconciler(host, state, ipam, drivers).run();
        }
    }

    /** What the reconciliation at start changed. */
    public List<String> startupRepairs() {
        return lastReconcile;
    }

    /** The predefined networks, like Docker's: bridge, host and none (for each driver registered). */
    private void createPredefinedNetworks() {
        for (String name : List.of("bridge", "host", "none")) { // each named after its driver
            if (drivers.has(name) && state.idByName(StateStore.networkName(name)).isEmpty()) {
                NetworkConfig config = NetworkConfig.of(name, name);
                if (name.equals("bridge")) {
                    config = config.withOption("bridge.name", "netmgr0");
                }
                create(config, true);
            }
        }
    }

    public HostContext host() {
        return host;
    }

    // ---- networks

    public Network createNetwork(NetworkConfig config) {
        return create(config, false);
    }

    private Network create(NetworkConfig config, boolean predefined) {
        validateName("network", config.name());
        NetworkDriver driver = drivers.get(config.driver());
        synchronized (lock) {
            if (state.idByName(StateStore.networkName(config.name())).isPresent()) {
                throw NetmgrException.conflict("network with name " + config.name() + " already exists");
            }
            Undo undo = new Undo();
            try {
                String id = Ids.newId();
                List<NetworkPool> pools = requestPools(id, config, undo);
                Network network = new Network(id, config.name(), config.driver(), pools, config.options(), config.labels(),
                        config.internal(), config.attachable(), config.enableIpv6(), predefined, Instant.now().toString());
                driver.validate(network);
                driver.createNetwork(host, network);
                undo.push(() -> driver.deleteNetwork(host, network));
                boolean ok = state.txn().ifAbsent(StateStore.networkName(network.name()))
                        .put(StateStore.networkName(network.name()), StateStore.text(id))
                        .put(StateStore.keyOf(network), StateStore.encode(network))
                        .commit().succeeded();
                if (!ok) {
                    throw NetmgrException.conflict("network with name " + config.name() + " already exists");
                }
                return network;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        }
    }

    private List<NetworkPool> requestPools(String id, NetworkConfig config, Undo undo) {
        // host and none carry no addresses, as in Docker
        if (config.driver().equals("host") || config.driver().equals("none")) {
            return List.of();
        }
        List<PoolRequest> requests = new ArrayList<>();
        for (IpamConfig c : config.ipam()) {
            if (c.family() == IpFamily.V6 && !config.enableIpv6()) {
                throw NetmgrException.invalid("network " + config.name() + ": subnet " + c.subnet()
                        + " is IPv6 but IPv6 is not enabled; enable IPv6 or drop the subnet");
            }
            requests.add(PoolRequest.of(config.name(), c));
        }
        if (requests.stream().noneMatch(r -> r.family() == IpFamily.V4)) {
            requests.add(PoolRequest.defaultPool(config.name(), IpFamily.V4));
        }
        if (config.enableIpv6() && requests.stream().noneMatch(r -> r.family() == IpFamily.V6)) {
            requests.add(PoolRequest.defaultPool(config.name(), IpFamily.V6));
        }
        List<NetworkPool> pools = new ArrayList<>();
        for (PoolRequest r : requests) {
            Pool pool = ipam.requestPool(r);
            undo.push(() -> ipam.releasePool(pool.id()));
            pools.add(new NetworkPool(pool.id(), pool.subnet().toString(), pool.gateway().toString()));
        }
        return pools;
    }

    /** Networks matching {@code filter}, by name. */
    public List<Network> networks(NetworkFilter filter) {
        return state.list(NETWORKS, Network.class).stream().filter(filter::matches)
                .sorted(java.util.Comparator.comparing(Network::name)).toList();
    }

    /** A network by name, full ID or unique ID prefix. */
    public Network network(String ref) {
        return resolve("network", ref, StateStore::networkName, NETWORKS, Network.class, Network::id);
    }

    public void deleteNetwork(String ref) {
        synchronized (lock) {
            Network network = network(ref);
            if (network.predefined()) {
                throw NetmgrException.forbidden(network.name() + " is a pre-defined network and cannot be removed");
            }
            if (state.hasEndpoints(network.id())) {
                throw NetmgrException.forbidden("error while removing network: network " + network.name() + " id "
                        + network.id() + " has active endpoints; disconnect them first");
            }
            drivers.get(network.driver()).deleteNetwork(host, network);
            state.txn().delete(StateStore.keyOf(network)).delete(StateStore.networkName(network.name())).commit();
            for (NetworkPool p : network.pools()) {
                ipam.releasePool(p.poolId());
            }
        }
    }

    // ---- sandboxes

    /** A new sandbox with a namespace netmgr makes (loopback up). */
    public Sandbox createSandbox(String name) {
        validateName("sandbox", name);
        synchronized (lock) {
            return sandboxes.create(name);
        }
    }

    /** A sandbox for a namespace someone else made (a runtime's, or the host's for host mode). */
    public Sandbox adoptSandbox(String name, Path namespacePath) {
        validateName("sandbox", name);
        synchronized (lock) {
            return sandboxes.adopt(name, namespacePath);
        }
    }

    /** Container mode: one more container shares {@code ref}'s sandbox. */
    public Sandbox shareSandbox(String ref) {
        synchronized (lock) {
            return sandboxes.share(sandbox(ref));
        }
    }

    public List<Sandbox> sandboxes() {
        return state.list(SANDBOXES, Sandbox.class);
    }

    public Sandbox sandbox(String ref) {
        return resolve("sandbox", ref, StateStore::sandboxName, SANDBOXES, Sandbox.class, Sandbox::id);
    }

    /**
     * Releases one user of the sandbox; the last one leaves every endpoint, deletes them and,
     * if netmgr made the namespace, the namespace.
     */
    public void deleteSandbox(String ref) {
        synchronized (lock) {
            Sandbox sandbox = sandbox(ref);
            if (sandbox.users() > 1) {
                sandboxes.release(sandbox);
                return;
            }
            for (Endpoint e : endpoints()) {
                if (sandbox.id().equals(e.sandboxId())) {
                    leave(e.id());
                }
            }
            sandboxes.delete(sandbox);
        }
    }

    // ---- endpoints

    /** A new endpoint on {@code networkRef} with its addresses reserved; not yet in a sandbox. */
    public Endpoint createEndpoint(String networkRef, EndpointConfig config) {
        validateName("endpoint", config.name());
        synchronized (lock) {
            Network network = network(networkRef);
            if (state.idByName(StateStore.endpointName(network.id(), config.name())).isPresent()) {
                throw NetmgrException.conflict("endpoint with name " + config.name() + " already exists in network " + network.name());
            }
            Undo undo = new Undo();
            try {
                String id = Ids.newId();
                List<String> addresses = reserveAddresses(network, id, config, undo);
                String mac = config.mac().map(Interfaces::checkMac).orElseGet(() -> Interfaces.macFor(addresses));
                Endpoint endpoint = new Endpoint(id, config.name(), network.id(), addresses, mac, config.aliases(),
                        config.interfaceName().orElse(null), null, null);
                boolean ok = state.txn().ifAbsent(StateStore.endpointName(network.id(), config.name()))
                        .put(StateStore.endpointName(network.id(), config.name()), StateStore.text(id))
                        .put(StateStore.attached(network.id()) + id, new byte[0])
                        .put(StateStore.keyOf(endpoint), StateStore.encode(endpoint))
                        .commit().succeeded();
                if (!ok) {
                    throw NetmgrException.conflict("endpoint with name " + config.name() + " already exists in network " + network.name());
                }
                return endpoint;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        }
    }

    private List<String> reserveAddresses(Network network, String endpointId, EndpointConfig config, Undo undo) {
        List<String> addresses = new ArrayList<>();
        for (NetworkPool pool : network.pools()) {
            boolean v6 = pool.subnet().contains(":");
            var preferred = (v6 ? config.ipv6() : config.ipv4()).map(text -> IpAddress.parse(text, v6 ? "ipv6 address" : "ipv4 address"));
            AddressRequest request = preferred.map(a -> AddressRequest.preferred(endpointId, a))
                    .orElseGet(() -> AddressRequest.any(endpointId));
            AssignedAddress a = ipam.requestAddress(pool.poolId(), request);
            undo.push(() -> ipam.releaseAddress(pool.poolId(), a.address(), endpointId));
            addresses.add(a.toString());
        }
        return addresses;
    }

    public List<Endpoint> endpoints() {
        return state.list(ENDPOINTS, Endpoint.class);
    }

    public Endpoint endpoint(String id) {
        return state.get(ENDPOINTS, id, Endpoint.class)
                .orElseThrow(() -> NetmgrException.notFound("endpoint " + id + " not found"));
    }

    /** Puts the endpoint's interface into the sandbox, with its addresses and routes. */
    public Endpoint join(String endpointId, String sandboxRef) {
        synchronized (lock) {
            Endpoint endpoint = endpoint(endpointId);
            if (endpoint.sandboxId() != null) {
                throw NetmgrException.conflict("endpoint " + endpoint.name() + " is already joined to sandbox " + endpoint.sandboxId());
            }
            Sandbox sandbox = sandbox(sandboxRef);
            Network network = state.get(NETWORKS, endpoint.networkId(), Network.class).orElseThrow();
            NetworkDriver driver = drivers.get(network.driver());
            Undo undo = new Undo();
            try (NetNs ns = NetNs.openPath(sandbox.path()); NetlinkHandle inside = NetlinkHandle.open(ns)) {
                String ifName = endpoint.interfaceName() != null ? endpoint.interfaceName() : interfaces.nextFreeName(inside);
                Endpoint named = endpoint.joined(sandbox.id(), ifName, null);
                JoinInfo info = driver.join(host, network, named, ns);
                undo.push(() -> driver.leave(host, network, named, ns));
                if (info.sandboxInterface().isPresent()) {
                    interfaces.configure(inside, ifName, network, named);
                }
                Endpoint joined = endpoint.joined(sandbox.id(), ifName, info.hostInterface().orElse(null));
                driver.programExternalConnectivity(host, network, joined);
                undo.push(() -> driver.revokeExternalConnectivity(host, network, joined));
                state.txn().ifPresent(StateStore.keyOf(endpoint)).put(StateStore.keyOf(joined), StateStore.encode(joined)).commit();
                return joined;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        }
    }

    /** Takes the endpoint out of its sandbox; its addresses stay reserved. */
    public Endpoint leave(String endpointId) {
        synchronized (lock) {
            Endpoint endpoint = endpoint(endpointId);
            if (endpoint.sandboxId() == null) {
                return endpoint;
            }
            Network network = state.get(NETWORKS, endpoint.networkId(), Network.class).orElseThrow();
            Sandbox sandbox = state.get(SANDBOXES, endpoint.sandboxId(), Sandbox.class).orElse(null);
            NetNs ns = sandbox == null ? null : sandboxes.openIfAlive(sandbox);
            try {
                NetworkDriver driver = drivers.get(network.driver());
                driver.revokeExternalConnectivity(host, network, endpoint);
                driver.leave(host, network, endpoint, ns);
            } finally {
                if (ns != null) {
                    ns.close();
                }
            }
            Endpoint left = endpoint.left();
            state.txn().put(StateStore.keyOf(left), StateStore.encode(left)).commit();
            return left;
        }
    }

    /** Leaves if joined, releases the addresses and forgets the endpoint. */
    public void deleteEndpoint(String endpointId) {
        synchronized (lock) {
            Endpoint endpoint = leave(endpointId);
            Network network = state.get(NETWORKS, endpoint.networkId(), Network.class).orElseThrow();
            state.txn().delete(StateStore.keyOf(endpoint)).delete(StateStore.attached(network.id()) + endpoint.id())
                    .delete(StateStore.endpointName(network.id(), endpoint.name())).commit();
            for (int i = 0; i < endpoint.addresses().size(); i++) {
                NetworkPool pool = network.pools().get(i);
                String cidr = endpoint.addresses().get(i);
                ipam.releaseAddress(pool.poolId(), IpAddress.parse(cidr.substring(0, cidr.indexOf('/'))), endpoint.id());
            }
        }
    }

    // ---- helpers

    private <T> T resolve(String kind, String ref, Function<String, String> nameKey, String prefix, Class<T> type,
                          Function<T, String> idOf) {
        var byName = state.idByName(nameKey.apply(ref)).flatMap(id -> state.get(prefix, id, type));
        if (byName.isPresent()) {
            return byName.get();
        }
        if (Ids.looksLikeIdPrefix(ref)) {
            List<T> matches = state.list(prefix + ref, type);
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw NetmgrException.invalid(kind + " id prefix " + ref + " is ambiguous: it matches "
                        + matches.size() + " " + kind + "s; give more characters");
            }
        }
        throw NetmgrException.notFound(kind + " " + ref + " not found");
    }

    static void validateName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw NetmgrException.invalid("invalid " + kind + " name \"" + name + "\": use 1 to 64 letters, digits, "
                    + "'_', '.' or '-', starting with a letter or digit");
        }
    }

    @Override
    public void close() {
        host.netlink().close();
    }
}
