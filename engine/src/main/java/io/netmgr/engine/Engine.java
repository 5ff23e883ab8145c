package io.netmgr.engine;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.controller.ControllerBuilder;
import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.controller.NetworkHealer;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.nat.Firewalls;
import io.netmgr.nat.RuleGuard;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * netmgr assembled for one host: the embedded store, default IPAM, the drivers on the class
 * path, the firewall and its rule guard, around one {@link NetworkController}. netmgrd, the CNI
 * plugin and the CLI open one each; several processes may share a state directory, taking turns
 * through its lock file. {@link #close} releases everything in reverse order and leaves the
 * networks, containers and rules in place.
 */
public final class Engine implements AutoCloseable {
    /** Every host derives the same IPv6 default prefix of global networks from this. */
    private static final String CLUSTER_ULA_SEED = "netmgr-cluster";
    private final EngineConfig config;
    private final LmdbStore store;
    private final IpamDriver ipam;
    private final NetworkController controller;
    private final ServiceController services;
    private final Optional<Firewall> firewall;
    private final Optional<RuleGuard> guard;
    private final Deque<AutoCloseable> opened;
    private final Optional<HostRegistry> registry;

    private Engine(EngineConfig config, LmdbStore store, IpamDriver ipam, NetworkController controller, ServiceController services,
                   Optional<Firewall> firewall, Optional<RuleGuard> guard, Deque<AutoCloseable> opened, Optional<HostRegistry> registry) {
        this.registry = registry;
        this.config = config;
        this.store = store;
        this.ipam = ipam;
        this.controller = controller;
        this.services = services;
        this.firewall = firewall;
        this.guard = guard;
        this.opened = opened;
    }

    /**
     * Opens the store and starts the controller (reconciling, if configured), and with the rule
     * guard the {@link NetworkHealer} that remakes bridges deleted while it runs.
     */
    public static Engine open(EngineConfig config) {
        return open(config, Optional.empty());
    }

    /**
     * {@link #open(EngineConfig)}, on {@code cluster}'s store too when given: the host registers
     * there under a lease ({@link HostRegistry}), networks of global drivers (overlay) live there,
     * their addresses handed out by an IPAM on that store from {@link DefaultPools#cluster}, and
     * this host's peer entries live under its lease; without it, global networks are refused.
     */
    public static Engine open(EngineConfig config, Optional<ClusterMembership> cluster) {
        Deque<AutoCloseable> opened = new ArrayDeque<>(); // closed in reverse on failure
        try {
            Files.createDirectories(config.stateDir());
            LmdbStore store = push(opened, LmdbStore.open(config.stateDir().resolve("store")));
            NetNs host = config.hostNamespace().orElseGet(NetNs::process);
            NetlinkHandle routes = push(opened, NetlinkHandle.open(host));
            HostClaim.take(routes, host.toString(), config.stateDir()); // before the firewall or a bridge is touched
            Optional<Firewall> firewall = config.firewall().backend().map(backend -> push(opened, Firewalls.open(backend, host)));
            IpamDriver ipam = new DefaultIpam(store, new HostRoutes(routes), DefaultPools.forThisHost());
            ControllerBuilder builder = NetworkController.builder(host, store, ipam, DriverRegistry.fromClassPath())
                    .sandboxRunDir(config.sandboxRunDir())
                    .lockFile(config.lockFile())
                    .reconcileAtStart(config.reconcileAtStart());
            firewall.ifPresent(builder::firewall);
            Optional<HostRegistry> registry = cluster.map(c -> push(opened, HostRegistry.join(c.store(), store, c.hostId(),
                    c.hostname(), c.advertiseAddress().toString(), c.version(), c.leaseTtl())));
            cluster.ifPresent(c -> builder.clusterStore(c.store(), new DefaultIpam(c.store(), new HostRoutes(routes),
                            DefaultPools.cluster(DefaultPools.uniqueLocalPrefix(CLUSTER_ULA_SEED))))
                    .hostId(registry.orElseThrow().hostId()).hostLease(registry.orElseThrow()::lease)
                    .advertiseAddress(c.advertiseAddress()));
            NetworkController controller = push(opened, builder.build());
            registry.ifPresent(r -> r.addListener(controller.clusterListener()));
            Optional<RuleGuard> guard = firewall.filter(f -> config.ruleGuard())
                    .map(f -> push(opened, RuleGuard.start(f, RuleGuard.DEFAULT_INTERVAL, controller::withFirewallInSync)));
            if (config.ruleGuard()) {
                push(opened, NetworkHealer.start(controller));
            }
            return new Engine(config, store, ipam, controller, controller.services(), firewall, guard, opened, registry);
        } catch (IOException e) {
            closeAll(opened, null);
            throw new UncheckedIOException("cannot create state directory " + config.stateDir(), e);
        } catch (RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    public NetworkController controller() {
        return controller;
    }

    /** Swarm-style services on this host's networks. */
    public ServiceController services() {
        return services;
    }

    /**
     * The IPAM driver the controller reserves pools and addresses with: for a caller that claims
     * them ahead of the controller (Docker's IPAM plugin protocol) under the controller's lock.
     */
    public IpamDriver ipam() {
        return ipam;
    }

    public LmdbStore store() {
        return store;
    }

    /** This host's registration in the cluster, when it has joined one ({@code netmgr node ls} reads the hosts there). */
    public Optional<HostRegistry> hostRegistry() {
        return registry;
    }

    public Optional<Firewall> firewall() {
        return firewall;
    }

    /** How many times the rule guard found rules missing and put them back. */
    public long ruleRestorations() {
        return guard.map(RuleGuard::restorations).orElse(0L);
    }

    public EngineConfig config() {
        return config;
    }

    @Override
    public void close() {
        closeAll(opened, null);
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    private static void closeAll(Deque<AutoCloseable> opened, Throwable failure) {
        RuntimeException first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
