package io.netmgr.core.controller;

import static io.netmgr.core.controller.StateStore.SANDBOXES;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.JoinMode;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.kernel.HostKernel;
import io.netmgr.core.kernel.SandboxNamespace;
import io.netmgr.core.kernel.SandboxNamespaces;
import io.netmgr.core.kernel.SandboxRoutes;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.sandbox.Withdrawal;
import io.netmgr.core.cluster.HostListener;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.service.BackendClaims;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.service.ServiceScope;
import io.netmgr.core.service.ThisHost;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Container Network Model: networks, sandboxes and endpoints, kept in a {@link Store} and
 * made real in the kernel by drivers. Bound to one "host" namespace (the process's own by
 * default; tests pass a fresh one), or to a {@link HostKernel} of the caller's (a fake, for unit
 * tests). Each mutation validates first, then changes the kernel and commits one store
 * transaction; when a step fails, the steps before it are undone, so a failed call changes
 * nothing. Pools and addresses are granted before the commit and given back after it, so a
 * crash in between leaves only grants no stored object owns; the {@link Reconciler} releases
 * those at the next start, and brings links and rules in line with the store.
 */
public final class NetworkController implements AutoCloseable {
    private static final String PREDEFINED_BRIDGE = "netmgr0";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    private final HostKernel kernel;
    private final HostContext host;
    private final SandboxNamespaces namespaces;
    private final StateStore state;
    private final NetworkScopes scopes;
    private final DriverRegistry drivers;
    private final Sandboxes sandboxes;
    private final HostFirewall firewall;
    private final HostLock lock;
    private final HostNamespaces hostNamespaces;
    private final InterfacePlacement placement;
    private final List<String> lastReconcile;
    private final Optional<PeerTable> peers;
    private final Optional<ClusterResync> resync;
    private final ServiceScope serviceScope;
    private final Optional<ClusterFirewall> clusterFirewall;
    private final Optional<ServiceMesh> mesh;
    private final Withdrawals withdrawals;
    private final SubnetGuard subnetGuard;
    private final UnfinishedGrants unfinished;

    /** A controller without a firewall and without a cross-process lock; see {@link #builder}. */
    public NetworkController(NetNs hostNamespace, Store store, IpamDriver ipam, DriverRegistry drivers, Path sandboxRunDir) {
        this(builder(hostNamespace, store, ipam, drivers).sandboxRunDir(sandboxRunDir));
    }

    NetworkController(ControllerBuilder b) {
        this.kernel = b.kernel.get();
        this.host = kernel.context();
        this.namespaces = b.sandboxNamespaces;
        this.drivers = b.drivers;
        Optional<ClusterMember> member = b.member();
        this.state = new StateStore(b.clusterStore.<Store>map(c -> new ScopedStore(b.store, c)).orElse(b.store), member,
                driver -> NetworkScopes.isGlobalDriver(b.drivers, driver));
        this.scopes = new NetworkScopes(state, drivers, b.ipam, b.clusterIpam, b.clusterStore);
        this.sandboxes = new Sandboxes(state, namespaces);
        this.hostNamespaces = new HostNamespaces(host.namespace());
        this.placement = new InterfacePlacement(host);
        ServiceStore services = new ServiceStore(state.store(), state::isGlobalNetwork, state.clustered());
        this.unfinished = new UnfinishedGrants(state, scopes, id -> services.byId(id).isPresent(),
                member.map(ClusterMember::hostId).orElse("local"));
        this.serviceScope = new ServiceScope(services, member.map(ClusterMember::hostId).orElseGet(ThisHost::name), scopes::ipamOf,
                state::leaseFor, state::endpoint, state::endpoints, unfinished::beginService);
        this.firewall = new HostFirewall(b.firewall, drivers, state, serviceScope);
        this.lock = new HostLock(b.lockFile, firewall::catchUp, firewall::caughtUp);
        this.peers = b.clusterStore.map(c -> new PeerTable(c, drivers, host, member.orElseThrow().advertiseAddress(), state::network));
        this.mesh = member.map(m -> new ServiceMesh(state, scopes, drivers, host, firewall, serviceScope, m));
        this.clusterFirewall = b.clusterStore.flatMap(c -> firewall.firewall().map(f -> new ClusterFirewall(c, state, firewall, f,
                serviceScope, work -> exclusively(() -> { work.run(); return null; }), () -> mesh.ifPresent(ServiceMesh::reconcile))));
        this.withdrawals = new Withdrawals(state);
        this.subnetGuard = new SubnetGuard(kernel, scopes, state);
        this.resync = peers.map(p -> new ClusterResync(new EndpointClaims(state, scopes::ipamOf), p, lock, this::withdraw,
                () -> clusterFirewall.ifPresent(ClusterFirewall::resync), new BackendClaims(serviceScope)));
        try {
            this.lastReconcile = new ArrayList<>(b.reconcileAtStart ? reconcile() : List.of());
            try (HostLock.Held held = lock.acquire()) {
                firewall.start(); // after the reconciler: the rules refer to bridges it may recreate
                createMissingPredefinedNetworks();
                kernel.reapRetiredLinks(); // links retired by a process that died
            }
            peers.ifPresent(PeerTable::start); // the whole table first: a restarted host programs every peer again
            clusterFirewall.ifPresent(ClusterFirewall::resync); // then follows other hosts' services from the watch
            resync.ifPresent(ClusterResync::republish); // its own, if its lease expired meanwhile
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts building a controller bound to {@code hostNamespace}, working on its kernel through netlink. */
    public static ControllerBuilder builder(NetNs hostNamespace, Store store, IpamDriver ipam, DriverRegistry drivers) {
        return new ControllerBuilder(() -> HostKernel.open(hostNamespace), store, ipam, drivers);
    }

    /**
     * Starts building a controller on {@code host}, a kernel of the caller's (a fake, in unit
     * tests; give {@link ControllerBuilder#sandboxNamespaces} one too). The controller closes it.
     */
    public static ControllerBuilder builder(HostKernel host, Store store, IpamDriver ipam, DriverRegistry drivers) {
        return new ControllerBuilder(() -> host, store, ipam, drivers);
    }

    /**
     * Compares the store with the kernel and IPAM and repairs both ways (see {@link Reconciler});
     * runs at start. Returns one line per change, for the log.
     */
    public List<String> reconcile() {
        try (HostLock.Held held = lock.acquire()) {
            List<String> done = new Reconciler(kernel, namespaces, state, scopes.localIpam(), drivers).run();
            done.addAll(unfinished.releaseLeftovers()); // the cluster's pools this host's killed process left granted
            firewall.catchUp(); // endpoints of vanished sandboxes have left: their ports go
            return done;
        }
    }

    /**
     * Gives back what the unfinished creations of host {@code hostId} were granted in the
     * cluster's IPAM (pools, VIPs) and deletes its notes, as that host would at its next start:
     * for a host {@code node rm} forgot for good. Returns one line per grant given back.
     */
    public List<String> releaseGrantsOfForgottenHost(String hostId) {
        return unfinished.releaseLeftoversOf(hostId);
    }

    /**
     * What to tell this controller when its view of the cluster may be stale: register it with
     * the host registry ({@link ClusterResync}). Only on a cluster store.
     */
    public HostListener clusterListener() {
        return resync.orElseThrow(() -> new IllegalStateException("no cluster store"));
    }

    /**
     * Tells {@code listener} of every endpoint taken off this host because another host took its
     * claim while this one was away (see {@link Withdrawal}), first those taken before it listened.
     */
    public void onWithdrawal(Consumer<Withdrawal> listener) {
        withdrawals.listen(listener);
    }

    /** Takes an endpoint whose claim another host took while this one was away off this host (see {@link EndpointClaims}). */
    private void withdraw(EndpointClaims claims, EndpointClaims.Conflict lost) {
        Endpoint endpoint = lost.endpoint();
        withdrawals.record(lost); // on its sandbox's record, while the endpoint still names it
        lost.network().ifPresent(network -> {
            Optional<SandboxNamespace> ns = sandboxOf(endpoint);
            try { // nothing to roll back to: the claim is lost either way
                discard(network, endpoint.sandboxId() == null ? endpoint : unplug(network, endpoint, ns, new Undo()), new Undo());
            } finally {
                ns.ifPresent(SandboxNamespace::close);
            }
            claims.releaseHeld(network, endpoint);
        });
        claims.forgetLost(endpoint);
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
     * the controller's own calls inside join the hold, and their store transactions are made
     * durable together at the end ({@link io.netmgr.core.store.Store#inOneCommit}).
     */
    public <T> T exclusively(Supplier<T> work) {
        try (HostLock.Held held = lock.acquire()) {
            return state.store().inOneCommit(work);
        }
    }

    /**
     * Repairs every network whose host side was damaged behind netmgr's back (a bridge deleted
     * by hand): its driver makes it again with the ports of its joined endpoints, and the
     * firewall is programmed again, sysctls of the new bridge included. Returns one line per
     * repair, for the log; {@link NetworkHealer} calls it when the kernel reports a bridge gone.
     */
    public List<String> repairDamagedNetworks() {
        try (HostLock.Held held = lock.acquire()) {
            List<String> done = new ArrayList<>();
            List<Network> damaged = state.networks("").stream().filter(this::damaged).toList();
            for (Network n : damaged) {
                done.addAll(repair(n));
            }
            // a mesh address goes with its bridge; a host in the mesh without a container of its own
            // on the network has nothing the driver calls damaged, so the mesh makes it again itself
            mesh.ifPresent(ServiceMesh::rejoin);
            return done;
        }
    }

    private List<String> repairIfDamaged(Network network) {
        return damaged(network) ? repair(network) : List.of();
    }

    private boolean damaged(Network network) {
        return drivers.has(network.driver()) && !drivers.get(network.driver()).intact(host, network);
    }

    private List<String> repair(Network network) {
        List<Endpoint> joined = endpointsOn(network.id()).stream().filter(e -> e.sandboxId() != null).toList();
        List<String> done = drivers.get(network.driver()).repair(host, network, joined);
        firewall.reassert();
        return done;
    }

    /** What the reconciliation at start changed. */
    public List<String> startupRepairs() {
        return List.copyOf(lastReconcile);
    }

    /** The predefined networks, like Docker's: bridge, host and none (for each driver registered). */
    private void createMissingPredefinedNetworks() {
        for (String name : List.of("bridge", "host", "none")) { // each named after its driver
            if (drivers.has(name) && state.networkIdByName(name).isEmpty()) {
                NetworkConfig config = NetworkConfig.of(name, name).withAttachable(false); // as dockerd shows them
                if (name.equals("bridge")) {
                    config = config.withOption("bridge.name", PREDEFINED_BRIDGE);
                    // A store without the predefined network is a fresh one, and an engine refuses a host
                    // another live state directory manages before this (its HostClaim): a netmgr0 here
                    // is what a netmgr whose state was deleted left. Out before the pool is chosen,
                    // or its route would push the network off 172.17.0.0/16.
                    if (kernel.deleteLinkIfExists(PREDEFINED_BRIDGE)) {
                        lastReconcile.add("replaced bridge " + PREDEFINED_BRIDGE + ", left by a netmgr whose state is gone");
                    }
                }
                create(config, true);
            }
        }
    }

    /** Swarm-style services on this controller's networks, kept in its store, their VIPs from its IPAM. */
    public ServiceController services() {
        return new ServiceController(this, serviceScope);
    }

    /** Puts {@code network}'s firewall rules in now if this host's watch has not brought them yet (a global network made elsewhere). */
    public void ensureInFirewall(Network network) {
        firewall.ensureNetwork(network.id());
    }

    /** Where networks of {@code driver} are known (its data scope); empty for a driver this host does not have. */
    public Optional<Scope> driverScope(String driver) {
        return drivers.has(driver) ? Optional.of(drivers.get(driver).capability().dataScope()) : Optional.empty();
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
        scopes.checkCanCreate(config.name(), config.driver());
        try (HostLock.Held held = lock.acquire()) {
            if (state.networkIdByName(config.name()).isPresent()) {
                throw NetmgrException.conflict("network with name " + config.name() + " already exists");
            }
            Undo undo = new Undo();
            try {
                String id = Ids.newId();
                Network planned = scopes.claim(new Network(id, config.name(), config.driver(), List.of(), config.options(),
                        config.labels(), config.internal(), config.attachable(), config.enableIpv6(), predefined,
                        Instant.now().toString(), scopes.scopeOf(config.driver())), driver);
                driver.validate(planned); // options and claims before any pool: a refusal changes nothing
                List<PoolRequest> requests = NetworkPoolRequests.of(config);
                if (!requests.isEmpty()) { // every subnet, before anything is noted or granted
                    subnetGuard.check(config, driver.networkLink(planned).isPresent());
                }
                GrantNote note = unfinished.begin(planned); // a process killed before the commit gives its pools back at start
                undo.push(note::forget);
                Network network = planned.withPools(grantPools(config.driver(), requests, undo));
                driver.createNetwork(host, network);
                undo.push(() -> driver.deleteNetwork(host, network));
                firewall.addNetwork(network);
                undo.push(() -> firewall.removeNetwork(network));
                CrashPoint.reach(CrashPoint.CREATE_BEFORE_COMMIT);
                boolean ok = note.within(scopes.withClaims(state.create(state.txn(), network), network)).commit().succeeded();
                if (!ok) {
                    throw NetmgrException.conflict("network with name " + config.name() + " already exists, or another"
                            + " host took a value it claims meanwhile; try again");
                }
                return network;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        }
    }

    private List<NetworkPool> grantPools(String driver, List<PoolRequest> requests, Undo undo) {
        List<NetworkPool> pools = new ArrayList<>();
        for (PoolRequest r : requests) {
            IpamDriver ipam = scopes.ipamFor(driver);
            Pool pool = ipam.requestPool(r);
            undo.push(() -> ipam.releasePool(pool.id()));
            pools.add(NetworkPool.of(pool));
        }
        return pools;
    }

    /** Networks matching {@code filter}, by name. */
    public List<Network> networks(NetworkFilter filter) {
        return state.networks("").stream().filter(filter::matches)
                .sorted(java.util.Comparator.comparing(Network::name)).toList();
    }

    /** A network by full ID, name or unique ID prefix, in that order (Docker's FindNetwork). */
    public Network network(String ref) {
        // a full ID is one read; by name then by prefix is two, each a round trip to etcd for a global network
        Optional<Network> byId = Ids.isFullId(ref) ? state.network(ref) : Optional.empty();
        return byId.orElseGet(() -> resolve("network", ref, name -> state.networkIdByName(name).flatMap(state::network), state::networks));
    }

    public void deleteNetwork(String ref) {
        try (HostLock.Held held = lock.acquire()) {
            Network network = network(ref);
            if (network.predefined()) {
                throw NetmgrException.forbidden(network.name() + " is a pre-defined network and cannot be removed");
            }
            List<String> hosts = state.hostsWithEndpoints(network.id());
            if (!hosts.isEmpty()) {
                throw NetmgrException.forbidden("error while removing network: network " + network.name() + " id "
                        + network.id() + " has active endpoints" + (state.isGlobal(network) ? " on host(s) "
                        + hosts.stream().map(scopes::hostLabel).collect(java.util.stream.Collectors.joining(", ")) : "") + "; disconnect them first");
            }
            NetworkDriver driver = drivers.get(network.driver());
            Undo undo = new Undo();
            try {
                firewall.removeNetwork(network);
                undo.push(() -> firewall.addNetwork(network));
                driver.deleteNetwork(host, network);
                undo.push(() -> driver.createNetwork(host, network));
                // the attachment index is read again in the transaction: an endpoint another host made meanwhile keeps it
                commitOrConflict(scopes.withoutClaims(state.forget(state.txn().ifPresent(state.keyOf(network)), network), network)
                                .ifModRevision(state.attached(network.id()), 0),
                        "network " + network.name() + " changed while it was being removed; try again");
                undo.push(() -> scopes.withClaims(state.create(state.txn(), network), network).commit());
                for (NetworkPool p : network.pools()) {
                    releasePool(scopes.ipamOf(network), p.poolId(), undo);
                }
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        }
    }

    /** Releases a pool, pushing how to grant it again as it was (same subnet, gateway and ranges, so the same id). */
    private static void releasePool(IpamDriver ipam, String poolId, Undo undo) {
        Optional<Pool> granted = ipam.pools().stream().filter(p -> p.id().equals(poolId)).findFirst();
        if (granted.isEmpty()) {
            return; // already gone: releasing an unknown pool does nothing
        }
        ipam.releasePool(poolId);
        undo.push(() -> {
            Pool again = ipam.requestPool(PoolRequest.of(granted.get().owner(), granted.get().config()));
            if (!again.id().equals(poolId)) {
                throw new IllegalStateException("pool " + poolId + " was granted again as " + again.id());
            }
        });
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

    /**
     * A sandbox for a namespace its caller will make at {@code namespacePath}: dockerd joins a
     * container's endpoints before runc makes its namespace, and moves the interfaces in itself.
     * Endpoints join it with {@link JoinMode#HAND_OVER} only; once the namespace exists it is a
     * sandbox like any adopted one (the reconciler forgets it when the namespace goes).
     */
    public Sandbox adoptPendingSandbox(String name, Path namespacePath) {
        validateName("sandbox", name);
        try (HostLock.Held held = lock.acquire()) {
            return sandboxes.adoptPending(name, namespacePath);
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
        return resolve("sandbox", ref, name -> state.idByName(StateStore.sandboxName(name)).flatMap(id -> state.get(SANDBOXES, id,
                Sandbox.class)), prefix -> state.list(SANDBOXES + prefix, Sandbox.class));
    }

    /**
     * Releases one user of the sandbox; the last one deletes every endpoint joined to it (as
     * dockerd does when a container goes: left, addresses released, forgotten) and forgets the
     * sandbox, deleting its namespace if netmgr made it. Returns the endpoints deleted, as they
     * were joined.
     */
    public List<Endpoint> deleteSandbox(String ref) {
        try (HostLock.Held held = lock.acquire()) {
            Sandbox sandbox = sandbox(ref);
            if (sandbox.users() > 1) {
                sandboxes.release(sandbox);
                return List.of();
            }
            List<Endpoint> joined = endpoints().stream().filter(e -> sandbox.id().equals(e.sandboxId())).toList();
            Optional<SandboxNamespace> ns = sandboxes.openIfAlive(sandbox);
            Undo undo = new Undo();
            try {
                String changed = "sandbox " + sandbox.name() + " changed while it was being removed; try again";
                Txn txn = StateStore.forget(state.txn().ifPresent(StateStore.keyOf(sandbox)), sandbox);
                List<Endpoint> local = new ArrayList<>();
                for (Endpoint e : joined) {
                    Network network = networkOf(e);
                    discard(network, unplug(network, e, ns, undo), undo);
                    if (state.isGlobalNetwork(e.networkId())) {
                        // kept in the cluster store, which shares no transaction with the host's: forgotten first, alone
                        commitOrConflict(state.forget(state.txn().ifPresent(state.keyOf(e)), e), changed);
                        undo.push(() -> state.create(state.txn(), e).commit());
                    } else {
                        state.forget(txn.ifPresent(state.keyOf(e)), e);
                        local.add(e);
                    }
                }
                commitOrConflict(txn, changed);
                undo.push(() -> {
                    Txn restore = StateStore.create(state.txn(), sandbox);
                    local.forEach(e -> state.create(restore, e));
                    restore.commit();
                });
                for (Endpoint e : joined) {
                    releaseAddresses(networkOf(e), e, undo);
                }
                if (sandbox.owned() && ns.isPresent()) {
                    namespaces.remove(sandbox.path()); // last: a namespace removed cannot be put back
                }
                return joined;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            } finally {
                ns.ifPresent(SandboxNamespace::close);
            }
        }
    }

    // ---- endpoints

    /** A new endpoint on {@code networkRef} with its addresses reserved; not yet in a sandbox. */
    public Endpoint createEndpoint(String networkRef, EndpointConfig config) {
        validateName("endpoint", config.name());
        Optional<String> requestedMac = config.mac().map(Interfaces::checkMac);
        try (HostLock.Held held = lock.acquire()) {
            Network network = network(networkRef);
            EndpointRequest.check(network, config);
            NetworkDriver driver = drivers.get(network.driver());
            firewall.checkCanPublish(network, config.ports());
            checkCanShape(network, driver, config);
            List<EndpointRoute> routes = config.routes().stream().map(r -> r.resolvedOn(network)).toList();
            // on a global network the name is claimed by the create transaction's condition alone, which
            // fails the same way (after undoing the address and the link): the read would be an etcd round trip
            if (!state.isGlobalNetwork(network.id()) && state.endpointIdByName(network.id(), config.name()).isPresent()) {
                throw NetmgrException.conflict("endpoint with name " + config.name() + " already exists in network " + network.name());
            }
            subnetGuard.checkJoin(network, driver); // this host's own routes, before its first endpoint there
            Undo undo = new Undo();
            try {
                String id = Ids.newId();
                List<IpNet> addresses = reserveAddresses(network, id, config, undo);
                String mac = requestedMac.orElseGet(() -> Interfaces.macFor(addresses));
                Endpoint endpoint = new Endpoint(id, config.name(), network.id(), addresses, mac, config.aliases(),
                        config.interfaceName().orElse(null), null, null, config.ports(), routes, config.bandwidth());
                driver.createEndpoint(host, network, endpoint);
                undo.push(() -> driver.deleteEndpoint(host, network, endpoint));
                boolean ok = state.create(state.txn(), endpoint).commit().succeeded();
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

    private List<IpNet> reserveAddresses(Network network, String endpointId, EndpointConfig config, Undo undo) {
        List<IpNet> addresses = new ArrayList<>();
        for (NetworkPool pool : network.pools()) {
            IpamDriver ipam = scopes.ipamOf(network);
            AssignedAddress a = ipam.requestAddress(pool.poolId(), EndpointRequest.addressFrom(network, pool, endpointId, config)
                    .heldUnder(state.leaseFor(network.id())));
            undo.push(() -> ipam.releaseAddress(pool.poolId(), a.address(), endpointId));
            addresses.add(a.interfaceAddress());
        }
        return addresses;
    }

    public List<Endpoint> endpoints() {
        return state.endpoints();
    }

    /** The endpoints on the network with id {@code networkId}: its attachment index, not every endpoint of the host. */
    public List<Endpoint> endpointsOn(String networkId) {
        return state.attachedEndpointIds(networkId).stream().map(state::endpoint)
                .flatMap(Optional::stream).toList();
    }

    /** The endpoint named {@code name} on the network with id {@code networkId}, if any: one index read. */
    public Optional<Endpoint> findEndpoint(String networkId, String name) {
        return state.endpointIdByName(networkId, name).flatMap(state::endpoint);
    }

    public Endpoint endpoint(String id) {
        return state.endpoint(id)
                .orElseThrow(() -> NetmgrException.notFound("endpoint " + id + " not found"));
    }

    /** Puts the endpoint's interface into the sandbox, with its addresses and routes. */
    public Endpoint join(String endpointId, String sandboxRef) {
        return join(endpointId, sandboxRef, JoinMode.INTO_SANDBOX);
    }

    /**
     * Joins the endpoint to the sandbox; with {@link JoinMode#HAND_OVER} its interface is left in
     * the host namespace under the endpoint's interface name (which it must have) for the caller
     * to move into the sandbox, and its addresses and routes are the caller's to set. Published
     * ports, external connectivity and the store are as for any join.
     */
    public Endpoint join(String endpointId, String sandboxRef, JoinMode mode) {
        try (HostLock.Held held = lock.acquire()) {
            Endpoint endpoint = endpoint(endpointId);
            if (endpoint.sandboxId() != null) {
                throw NetmgrException.conflict("endpoint " + endpoint.name() + " is already joined to sandbox " + endpoint.sandboxId());
            }
            Sandbox sandbox = sandbox(sandboxRef);
            Network network = networkOf(endpoint);
            NetworkDriver driver = drivers.get(network.driver());
            // handed over, the namespace is the caller's to enter, and may not exist yet (dockerd's): null, never closed
            try (SandboxNamespace ns = mode == JoinMode.HAND_OVER ? null : sandboxes.open(sandbox)) {
                if (ns != null) {
                    hostNamespaces.checkJoin(network, driver.usesHostNamespace(), sandbox, ns.handle());
                }
                repairIfDamaged(network); // a bridge gone since the last look (deleted by hand, a reboot)
                Undo undo = new Undo(); // run while the namespace is still open
                try {
                    String ifName = InterfacePlacement.interfaceName(endpoint, sandbox, ns, mode);
                    Endpoint named = endpoint.joined(sandbox.id(), ifName, null);
                    firewall.checkPortsFree(named); // a taken host port is refused before the driver makes a link
                    JoinInfo info = placement.place(mode, driver, network, named, ns, undo);
                    Endpoint joined = endpoint.joined(sandbox.id(), ifName, info.hostInterface().orElse(null));
                    CrashPoint.reach(CrashPoint.JOIN_AFTER_KERNEL);
                    firewall.publish(joined);
                    undo.push(() -> firewall.unpublish(joined));
                    CrashPoint.reach(CrashPoint.JOIN_AFTER_FIREWALL);
                    driver.programExternalConnectivity(host, network, joined);
                    undo.push(() -> driver.revokeExternalConnectivity(host, network, joined));
                    // on a global network the peer entry goes in this transaction, so other hosts learn of
                    // the endpoint exactly when it is stored joined; the sandbox lives in the host's store
                    String gone = "endpoint " + endpoint.name() + " or sandbox " + sandbox.name() + " was removed while joining; try again";
                    Txn txn = state.save(state.txn().ifPresent(state.keyOf(endpoint)), joined);
                    if (!state.isGlobalNetwork(network.id())) {
                        txn.ifPresent(StateStore.keyOf(sandbox));
                    } else if (findSandboxById(sandbox.id()).isEmpty()) {
                        throw NetmgrException.conflict(gone); // the sandbox is in the host's store, apart from the endpoint
                    }
                    commitOrConflict(txn, gone);
                    withdrawals.forgetOn(sandbox, network.id()); // connected again: the old withdrawal is history
                    return joined;
                } catch (RuntimeException e) {
                    throw undo.rollback(e);
                }
            }
        }
    }

    /**
     * Takes joined {@code endpoint} out of its sandbox ({@code ns}, empty when the namespace is
     * gone), the reverse of {@link #join}, pushing how to put it back; returns it left.
     */
    private Endpoint unplug(Network network, Endpoint endpoint, Optional<SandboxNamespace> ns, Undo undo) {
        NetworkDriver driver = drivers.get(network.driver());
        driver.revokeExternalConnectivity(host, network, endpoint);
        undo.push(() -> driver.programExternalConnectivity(host, network, endpoint));
        firewall.unpublish(endpoint);
        undo.push(() -> firewall.publish(endpoint));
        driver.leave(host, network, endpoint, ns.map(SandboxNamespace::handle).orElse(null));
        // with the namespace gone there is nothing to put back, and the store says so once committed
        ns.ifPresent(sandbox -> undo.push(() -> placement.plug(driver, network, endpoint.joined(endpoint.sandboxId(),
                endpoint.interfaceName(), null), sandbox, new Undo())));
        return endpoint.left();
    }

    /** Takes the endpoint out of its sandbox; its addresses stay reserved. */
    public Endpoint leave(String endpointId) {
        try (HostLock.Held held = lock.acquire()) {
            Endpoint endpoint = endpoint(endpointId);
            if (endpoint.sandboxId() == null) {
                return endpoint;
            }
            Network network = networkOf(endpoint);
            Optional<SandboxNamespace> ns = sandboxOf(endpoint);
            Undo undo = new Undo();
            try {
                Endpoint left = unplug(network, endpoint, ns, undo);
                commitOrConflict(state.save(state.txn().ifPresent(state.keyOf(endpoint)), left),
                        "endpoint " + endpoint.name() + " was removed while leaving; try again");
                return left;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            } finally {
                ns.ifPresent(SandboxNamespace::close);
            }
        }
    }

    /**
     * The routes a join puts in {@code endpoint}'s sandbox, in order: the default route through
     * its network's gateway of each family (as its driver names them, none on an internal
     * network or where the endpoint routes by default itself), then the endpoint's own routes.
     */
    public List<EndpointRoute> sandboxRoutes(Endpoint endpoint) {
        Network network = networkOf(endpoint);
        return SandboxRoutes.of(network, endpoint, drivers.get(network.driver()).gateways(network), List.of()).stream()
                .map(w -> new EndpointRoute(w.destination(), w.via().orElse(null))).toList();
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
            Network network = networkOf(expected);
            Optional<Sandbox> sandbox = expected.sandbox().flatMap(this::findSandboxById);
            if (sandbox.isEmpty()) {
                return List.of("endpoint " + expected.name() + " is not joined to a sandbox");
            }
            return new EndpointCheck(host, namespaces, drivers.get(network.driver())).run(network, expected, sandbox.get());
        }
    }

    /** Leaves if joined, forgets the endpoint and releases its addresses. */
    public void deleteEndpoint(String endpointId) {
        try (HostLock.Held held = lock.acquire()) {
            Endpoint endpoint = endpoint(endpointId);
            Network network = networkOf(endpoint);
            Optional<SandboxNamespace> ns = sandboxOf(endpoint);
            Undo undo = new Undo();
            try {
                discard(network, endpoint.sandboxId() == null ? endpoint : unplug(network, endpoint, ns, undo), undo);
                commitOrConflict(state.forget(state.txn().ifPresent(state.keyOf(endpoint)), endpoint),
                        "endpoint " + endpoint.name() + " was removed meanwhile");
                undo.push(() -> state.create(state.txn(), endpoint).commit());
                releaseAddresses(network, endpoint, undo);
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            } finally {
                ns.ifPresent(SandboxNamespace::close);
            }
        }
    }

    /** Lets the driver drop what it made for the endpoint {@code left} (out of any sandbox). */
    private void discard(Network network, Endpoint left, Undo undo) {
        NetworkDriver driver = drivers.get(network.driver());
        driver.deleteEndpoint(host, network, left);
        undo.push(() -> driver.createEndpoint(host, network, left));
    }

    /** Gives the endpoint's addresses back to IPAM, after the store has forgotten it. */
    private void releaseAddresses(Network network, Endpoint endpoint, Undo undo) {
        IpamDriver ipam = scopes.ipamOf(network);
        List<IpAddress> ips = endpoint.ips();
        for (int i = 0; i < ips.size(); i++) {
            String poolId = network.pools().get(i).poolId();
            IpAddress ip = ips.get(i);
            ipam.releaseAddress(poolId, ip, endpoint.id());
            undo.push(() -> ipam.requestAddress(poolId, AddressRequest.preferred(endpoint.id(), ip).heldUnder(state.leaseFor(network.id()))));
        }
    }

    /** The namespace of the sandbox {@code endpoint} is joined to, entered; empty when not joined or gone. */
    private Optional<SandboxNamespace> sandboxOf(Endpoint endpoint) {
        return endpoint.sandbox().flatMap(id -> state.get(SANDBOXES, id, Sandbox.class)).flatMap(sandboxes::openIfAlive);
    }

    private Network networkOf(Endpoint endpoint) {
        return state.networkHolding(endpoint).orElseThrow(() -> new IllegalStateException(
                "endpoint " + endpoint.name() + " refers to network " + endpoint.networkId() + ", which is not stored"));
    }

    /** Commits {@code txn}; a condition that no longer holds (another process changed the object) is a conflict. */
    private static void commitOrConflict(Txn txn, String message) {
        if (!txn.commit().succeeded()) {
            throw NetmgrException.conflict(message);
        }
    }

    // ---- helpers

    /** The object named {@code ref}, else the one whose id starts with it (Docker's rule). */
    private static <T> T resolve(String kind, String ref, Function<String, Optional<T>> byName, Function<String, List<T>> byIdPrefix) {
        Optional<T> named = byName.apply(ref);
        if (named.isPresent()) {
            return named.get();
        }
        if (Ids.looksLikeIdPrefix(ref)) {
            List<T> matches = byIdPrefix.apply(ref);
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

    /** Refuses a name that is not 1-64 letters, digits, _ . - starting with a letter or digit, naming the kind. */
    public static void validateName(String kind, String name) {
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
        try {
            peers.ifPresent(PeerTable::close);
            clusterFirewall.ifPresent(ClusterFirewall::close);
            lock.close();
        } finally {
            kernel.close(); // waits for the retired links' deletion before the process may end
        }
    }
}
