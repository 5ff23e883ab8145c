package io.netmgr.core.controller;

import static io.netmgr.core.controller.StateStore.ENDPOINTS;
import static io.netmgr.core.controller.StateStore.NETWORKS;
import static io.netmgr.core.controller.StateStore.SANDBOXES;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.LinkReaper;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.ipam.IpPrefix;
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
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
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
    private final HostFirewall firewall;
    private final HostLock lock;
    private final List<String> lastReconcile;
    private final Optional<String> peerHost;
    private final PeerTable peers;

    /** A controller without a firewall and without a cross-process lock; see {@link #builder}. */
    public NetworkController(NetNs hostNamespace, Store store, IpamDriver ipam, DriverRegistry drivers, Path sandboxRunDir) {
        this(builder(hostNamespace, store, ipam, drivers).sandboxRunDir(sandboxRunDir));
    }

    private NetworkController(Builder b) {
        this.host = new HostContext(b.hostNamespace, NetlinkHandle.open(b.hostNamespace), new LinkReaper(b.hostNamespace));
        this.state = new StateStore(b.store);
        this.ipam = b.ipam;
        this.drivers = b.drivers;
        this.sandboxes = new Sandboxes(state, b.sandboxRunDir);
        this.firewall = new HostFirewall(b.firewall, drivers, state);
        this.lock = new HostLock(b.lockFile, firewall::catchUp, firewall::caughtUp);
        this.peerHost = b.peerHost;
        this.peers = new PeerTable(b.store, drivers, host, b.peerHost.orElse(""), id -> state.get(NETWORKS, id, Network.class));
        try {
            this.lastReconcile = b.reconcileAtStart ? reconcile() : List.of();
            try (HostLock.Held held = lock.acquire()) {
                firewall.start(); // after the reconciler: the rules refer to bridges it may recreate
                createMissingPredefinedNetworks();
                host.reaper().reapLeftovers(host.netlink()); // links retired by a process that died
            }
            if (peerHost.isPresent()) {
                peers.start();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts building a controller bound to {@code hostNamespace}. */
    public static Builder builder(NetNs hostNamespace, Store store, IpamDriver ipam, DriverRegistry drivers) {
        return new Builder(hostNamespace, store, ipam, drivers);
    }

    /** The optional parts of a controller, with their defaults. */
    public static final class Builder {
        private final NetNs hostNamespace;
        private final Store store;
        private final IpamDriver ipam;
        private final DriverRegistry drivers;
        private Path sandboxRunDir = NetNs.DEFAULT_RUN_DIR;
        private Optional<Firewall> firewall = Optional.empty();
        private Optional<Path> lockFile = Optional.empty();
        private boolean reconcileAtStart = true;
        private Optional<String> peerHost = Optional.empty();

        private Builder(NetNs hostNamespace, Store store, IpamDriver ipam, DriverRegistry drivers) {
            this.hostNamespace = hostNamespace;
            this.store = store;
            this.ipam = ipam;
            this.drivers = drivers;
        }

        /** Where the namespaces of sandboxes netmgr makes are mounted (default /run/netns). */
        public Builder sandboxRunDir(Path dir) {
            this.sandboxRunDir = dir;
            return this;
        }

        /** The host firewall for masquerade, isolation and published ports; none by default. */
        public Builder firewall(Firewall f) {
            this.firewall = Optional.of(f);
            return this;
        }

        /** A file every process sharing the store locks around each mutation (see {@link HostLock}). */
        public Builder lockFile(Path file) {
            this.lockFile = Optional.of(file);
            return this;
        }

        /**
         * Whether to reconcile kernel, IPAM and store at start (default true). A short-lived
         * process (a CNI plugin run) may skip it when a long-lived one does it.
         */
        public Builder reconcileAtStart(boolean on) {
            this.reconcileAtStart = on;
            return this;
        }

        /**
         * This host's address among the hosts sharing the store: endpoints of global-scope
         * networks joined here are published under it, and the drivers of those networks learn
         * of the other hosts' ({@link PeerTable}). Without it, none of this happens.
         */
        public Builder peerHost(String address) {
            this.peerHost = Optional.of(address);
            return this;
        }

        public NetworkController build() {
            return new NetworkController(this);
        }
    }

    /**
     * Compares the store with the kernel and IPAM and repairs both ways (see {@link Reconciler});
     * runs at start. Returns one line per change, for the log.
     */
    public List<String> reconcile() {
        try (HostLock.Held held = lock.acquire()) {
            List<String> done = new Reconciler(host, state, ipam, drivers).run();
            firewall.catchUp(); // endpoints of vanished sandboxes have left: their ports go
            return done;
        }
    }

    /** The host firewall, if this controller has one. */
    public Optional<Firewall> firewall() {
        return firewall.firewall();
    }

    /**
     * Runs {@code check} holding the controller's lock, with the firewall in line with the store
     * first: a rule guard checks through here, so it never restores rules another process has
     * just removed on purpose.
     */
    public void withFirewallInSync(Runnable check) {
        exclusively(() -> {
            check.run();
            return null;
        });
    }

    /**
     * Runs {@code work} holding the controller's lock, which spans the processes sharing its lock
     * file, with the firewall in line with the store first. For a caller whose several calls are
     * one step (a CNI command: find the network, adopt the sandbox, create and join the endpoint);
     * the controller's own calls inside join the hold.
     */
    public <T> T exclusively(Supplier<T> work) {
        try (HostLock.Held held = lock.acquire()) {
            return work.get();
        }
    }

    /** What the reconciliation at start changed. */
    public List<String> startupRepairs() {
        return lastReconcile;
    }

    /** The predefined networks, like Docker's: bridge, host and none (for each driver registered). */
    private void createMissingPredefinedNetworks() {
        for (String name : List.of("bridge", "host", "none")) { // each named after its driver
            if (drivers.has(name) && state.idByName(StateStore.networkName(name)).isEmpty()) {
                NetworkConfig config = NetworkConfig.of(name, name).withAttachable(false); // as dockerd shows them
                if (name.equals("bridge")) {
                    config = config.withOption("bridge.name", "netmgr0");
                }
                create(config, true);
            }
        }
    }

    /** The driver of {@code network}, to ask what it can do. */
    public NetworkDriver driverOf(Network network) {
        return drivers.get(network.driver());
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
        validateKeys("label", config.labels().keySet());
        validateKeys("option", config.options().keySet());
        NetworkDriver driver = drivers.get(config.driver());
        try (HostLock.Held held = lock.acquire()) {
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
                firewall.addNetwork(network);
                undo.push(() -> firewall.removeNetwork(network));
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
            pools.add(NetworkPool.of(pool));
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
        try (HostLock.Held held = lock.acquire()) {
            Network network = network(ref);
            if (network.predefined()) {
                throw NetmgrException.forbidden(network.name() + " is a pre-defined network and cannot be removed");
            }
            if (state.hasEndpoints(network.id())) {
                throw NetmgrException.forbidden("error while removing network: network " + network.name() + " id "
                        + network.id() + " has active endpoints; disconnect them first");
            }
            firewall.removeNetwork(network);
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
        try (HostLock.Held held = lock.acquire()) {
            return sandboxes.create(name);
        }
    }

    /** A sandbox for a namespace someone else made (a runtime's, or the host's for host mode). */
    public Sandbox adoptSandbox(String name, Path namespacePath) {
        validateName("sandbox", name);
        try (HostLock.Held held = lock.acquire()) {
            return sandboxes.adopt(name, namespacePath);
        }
    }

    /** Container mode: one more container shares {@code ref}'s sandbox. */
    public Sandbox shareSandbox(String ref) {
        try (HostLock.Held held = lock.acquire()) {
            return sandboxes.share(sandbox(ref));
        }
    }

    public List<Sandbox> sandboxes() {
        return state.list(SANDBOXES, Sandbox.class);
    }

    /** The sandbox named exactly {@code name}, if any: one index read, where {@link #sandboxes()} reads them all. */
    public Optional<Sandbox> findSandbox(String name) {
        return state.idByName(StateStore.sandboxName(name)).flatMap(id -> state.get(SANDBOXES, id, Sandbox.class));
    }

    /** The sandbox with id {@code id}, if it still exists: one read. */
    public Optional<Sandbox> findSandboxById(String id) {
        return state.get(SANDBOXES, id, Sandbox.class);
    }

    public Sandbox sandbox(String ref) {
        return resolve("sandbox", ref, StateStore::sandboxName, SANDBOXES, Sandbox.class, Sandbox::id);
    }

    /**
     * Releases one user of the sandbox; the last one leaves every endpoint, deletes them and,
     * if netmgr made the namespace, the namespace.
     */
    public void deleteSandbox(String ref) {
        try (HostLock.Held held = lock.acquire()) {
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
        try (HostLock.Held held = lock.acquire()) {
            Network network = network(networkRef);
            EndpointRequest.check(network, config);
            NetworkDriver driver = drivers.get(network.driver());
            firewall.checkCanPublish(network, config.ports());
            checkCanShape(network, driver, config);
            List<EndpointRoute> routes = config.routes().stream().map(r -> r.resolvedOn(network)).toList();
            if (state.idByName(StateStore.endpointName(network.id(), config.name())).isPresent()) {
                throw NetmgrException.conflict("endpoint with name " + config.name() + " already exists in network " + network.name());
            }
            Undo undo = new Undo();
            try {
                String id = Ids.newId();
                List<String> addresses = reserveAddresses(network, id, config, undo);
                String mac = config.mac().map(Interfaces::checkMac).orElseGet(() -> Interfaces.macFor(addresses));
                Endpoint endpoint = new Endpoint(id, config.name(), network.id(), addresses, mac, config.aliases(),
                        config.interfaceName().orElse(null), null, null, config.ports(), routes, config.bandwidth());
                driver.createEndpoint(host, network, endpoint);
                undo.push(() -> driver.deleteEndpoint(host, network, endpoint));
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

    private static void checkCanShape(Network network, NetworkDriver driver, EndpointConfig config) {
        if (!config.bandwidth().isEmpty() && !driver.capability().shapesTraffic()) {
            throw NetmgrException.invalid("network " + network.name() + " uses driver " + driver.name()
                    + ", which cannot limit an endpoint's bandwidth (it makes no host-side link to shape traffic on);"
                    + " drop the bandwidth limits or use a network whose driver can (bridge)");
        }
    }

    private List<String> reserveAddresses(Network network, String endpointId, EndpointConfig config, Undo undo) {
        List<String> addresses = new ArrayList<>();
        for (NetworkPool pool : network.pools()) {
            AssignedAddress a = ipam.requestAddress(pool.poolId(), addressRequest(network, pool, endpointId, config));
            undo.push(() -> ipam.releaseAddress(pool.poolId(), a.address(), endpointId));
            addresses.add(a.toString());
        }
        return addresses;
    }

    /**
     * The endpoint's address of its family from {@code pool}: the one it asked for if the pool's
     * subnet holds it, else any. A network may have several pools of a family (CNI range sets, one
     * address from each); the address asked for goes to the pool holding it, and to the first pool
     * of its family if none does, which refuses it by name.
     */
    private static AddressRequest addressRequest(Network network, NetworkPool pool, String endpointId, EndpointConfig config) {
        boolean v6 = pool.subnet().contains(":");
        var preferred = (v6 ? config.ipv6() : config.ipv4()).map(text -> IpAddress.parse(text, v6 ? "ipv6 address" : "ipv4 address"));
        if (preferred.isEmpty()) {
            return AddressRequest.any(endpointId);
        }
        List<NetworkPool> family = network.pools().stream().filter(p -> p.subnet().contains(":") == v6).toList();
        NetworkPool holder = family.stream().filter(p -> IpPrefix.parse(p.subnet()).contains(preferred.get())).findFirst()
                .orElse(family.get(0));
        return holder == pool ? AddressRequest.preferred(endpointId, preferred.get()) : AddressRequest.any(endpointId);
    }

    public List<Endpoint> endpoints() {
        return state.list(ENDPOINTS, Endpoint.class);
    }

    /** The endpoints on the network with id {@code networkId}: its attachment index, not every endpoint of the host. */
    public List<Endpoint> endpointsOn(String networkId) {
        return state.attachedEndpointIds(networkId).stream().map(id -> state.get(ENDPOINTS, id, Endpoint.class))
                .flatMap(Optional::stream).toList();
    }

    /** The endpoint named {@code name} on the network with id {@code networkId}, if any: one index read. */
    public Optional<Endpoint> findEndpoint(String networkId, String name) {
        return state.idByName(StateStore.endpointName(networkId, name)).flatMap(id -> state.get(ENDPOINTS, id, Endpoint.class));
    }

    public Endpoint endpoint(String id) {
        return state.get(ENDPOINTS, id, Endpoint.class)
                .orElseThrow(() -> NetmgrException.notFound("endpoint " + id + " not found"));
    }

    /** Puts the endpoint's interface into the sandbox, with its addresses and routes. */
    public Endpoint join(String endpointId, String sandboxRef) {
        try (HostLock.Held held = lock.acquire()) {
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
                if (inside.links().find(ifName).isPresent()) {
                    throw NetmgrException.conflict("sandbox " + sandbox.name() + " already has an interface named " + ifName
                            + "; give endpoint " + endpoint.name() + " another interface name");
                }
                Endpoint named = endpoint.joined(sandbox.id(), ifName, null);
                firewall.checkPortsFree(named); // a taken host port is refused before the driver makes a link
                JoinInfo info = driver.join(host, network, named, ns);
                undo.push(() -> driver.leave(host, network, named, ns));
                if (info.sandboxInterface().isPresent()) {
                    interfaces.configure(inside, ifName, network, named, info);
                }
                Endpoint joined = endpoint.joined(sandbox.id(), ifName, info.hostInterface().orElse(null));
                firewall.publish(joined);
                undo.push(() -> firewall.unpublish(joined));
                driver.programExternalConnectivity(host, network, joined);
                undo.push(() -> driver.revokeExternalConnectivity(host, network, joined));
                state.txn().ifPresent(StateStore.keyOf(endpoint)).put(StateStore.keyOf(joined), StateStore.encode(joined)).commit();
                peerHost.filter(h -> peers.isGlobal(network)).ifPresent(h -> peers.publish(peerOf(joined, h)));
                return joined;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        }
    }

    /** Takes the endpoint out of its sandbox; its addresses stay reserved. */
    public Endpoint leave(String endpointId) {
        try (HostLock.Held held = lock.acquire()) {
            Endpoint endpoint = endpoint(endpointId);
            if (endpoint.sandboxId() == null) {
                return endpoint;
            }
            Network network = state.get(NETWORKS, endpoint.networkId(), Network.class).orElseThrow();
            Sandbox sandbox = state.get(SANDBOXES, endpoint.sandboxId(), Sandbox.class).orElse(null);
            NetNs ns = sandbox == null ? null : sandboxes.openIfAlive(sandbox);
            try {
                NetworkDriver driver = drivers.get(network.driver());
                firewall.unpublish(endpoint);
                driver.revokeExternalConnectivity(host, network, endpoint);
                driver.leave(host, network, endpoint, ns);
            } finally {
                if (ns != null) {
                    ns.close();
                }
            }
            Endpoint left = endpoint.left();
            state.txn().put(StateStore.keyOf(left), StateStore.encode(left)).commit();
            peerHost.filter(h -> peers.isGlobal(network)).ifPresent(h -> peers.withdraw(peerOf(endpoint, h)));
            return left;
        }
    }

    /**
     * The routes a join puts in {@code endpoint}'s sandbox, in order: the default route through
     * its network's gateway of each family (as its driver names them, none on an internal
     * network or where the endpoint routes by default itself), then the endpoint's own routes.
     */
    public List<EndpointRoute> sandboxRoutes(Endpoint endpoint) {
        Network network = state.get(NETWORKS, endpoint.networkId(), Network.class).orElseThrow();
        return SandboxRoutes.of(network, endpoint, drivers.get(network.driver()).gateways(network), List.of()).stream()
                .map(w -> new EndpointRoute(w.destination().toString(), w.via().map(Object::toString).orElse(null))).toList();
    }

    /**
     * What differs, for a joined endpoint, from what its join made: its interface in the
     * sandbox (MAC, up, addresses), its routes, and what the driver checks (host side, bandwidth).
     * One line per difference; empty when it is as joined.
     */
    public List<String> verify(String endpointId) {
        return verify(endpoint(endpointId));
    }

    /**
     * {@link #verify(String)} against {@code expected}: the stored endpoint as a caller expects
     * it, e.g. with the bandwidth a CNI CHECK's configuration asks for.
     */
    public List<String> verify(Endpoint expected) {
        try (HostLock.Held held = lock.acquire()) {
            Network network = state.get(NETWORKS, expected.networkId(), Network.class).orElseThrow();
            Optional<Sandbox> sandbox = expected.sandbox().flatMap(this::findSandboxById);
            if (sandbox.isEmpty()) {
                return List.of("endpoint " + expected.name() + " is not joined to a sandbox");
            }
            return new EndpointCheck(host, drivers.get(network.driver())).run(network, expected, sandbox.get());
        }
    }

    /** Leaves if joined, releases the addresses and forgets the endpoint. */
    public void deleteEndpoint(String endpointId) {
        try (HostLock.Held held = lock.acquire()) {
            Endpoint endpoint = leave(endpointId);
            Network network = state.get(NETWORKS, endpoint.networkId(), Network.class).orElseThrow();
            drivers.get(network.driver()).deleteEndpoint(host, network, endpoint);
            state.txn().delete(StateStore.keyOf(endpoint)).delete(StateStore.attached(network.id()) + endpoint.id())
                    .delete(StateStore.endpointName(network.id(), endpoint.name())).commit();
            List<IpAddress> ips = endpoint.ips();
            for (int i = 0; i < ips.size(); i++) {
                ipam.releaseAddress(network.pools().get(i).poolId(), ips.get(i), endpoint.id());
            }
        }
    }

    // ---- helpers

    private static Peer peerOf(Endpoint e, String host) {
        return new Peer(e.networkId(), e.id(), host, e.addresses(), e.mac());
    }

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

    /** Label and option keys: a blank one is a typo (--label =x), never meant. */
    private static void validateKeys(String kind, java.util.Set<String> keys) {
        if (keys.stream().anyMatch(String::isBlank)) {
            throw NetmgrException.invalid(kind + " with an empty key; write KEY=VALUE with a KEY");
        }
    }

    /** Releases the controller's handles; the firewall, if any, belongs to whoever made it. */
    @Override
    public void close() {
        peers.close();
        host.reaper().close(); // the retired links are deleted before the process may end
        lock.close();
        host.netlink().close();
    }
}
