package io.netmgr.daemon;

import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.store.Store;
import io.netmgr.engine.Engine;
import io.netmgr.engine.EngineConfig;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.nat.HostAddresses;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's {@link Engine} (store under {@code <stateDir>/store}, IPAM, drivers, firewall,
 * controller) bound to the host namespace given, its part in a cluster when it has one, plus
 * what {@code system doctor} asks of that host.
 */
public final class DaemonEngine implements AutoCloseable {
    private final Engine engine;
    private final NetNs host;
    private final Optional<DaemonCluster> cluster;

    private DaemonEngine(Engine engine, NetNs host, Optional<DaemonCluster> cluster) {
        this.engine = engine;
        this.host = host;
        this.cluster = cluster;
    }

    /** Opens the engine; the controller reconciles kernel and store as it starts. */
    public static DaemonEngine open(Path stateDir, NetNs host, FirewallChoice firewall) {
        return open(stateDir, host, firewall, Optional.empty());
    }

    /**
     * Opens the engine, in {@code cluster} when given: connects to etcd first (an unreachable one is
     * refused before anything is touched), then registers this host under its lease.
     */
    static DaemonEngine open(Path stateDir, NetNs host, FirewallChoice firewall, Optional<ClusterConfig> cluster) {
        EngineConfig config = EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(host).withFirewall(firewall);
        if (cluster.isEmpty()) {
            return new DaemonEngine(Engine.open(config), host, Optional.empty());
        }
        ClusterConfig c = cluster.get();
        c.checkAdvertisedBy(HostAddresses.of(host).get(), "host namespace " + host); // before etcd is asked anything
        DaemonCluster.Connection etcd = DaemonCluster.connect(c, stateDir);
        Engine engine = null;
        try {
            engine = Engine.open(config, Optional.of(etcd.membership(c)));
            return new DaemonEngine(engine, host, Optional.of(etcd.joined(engine, c)));
        } catch (RuntimeException | Error e) {
            if (engine != null) {
                engine.close();
            }
            etcd.store().close();
            throw e;
        }
    }

    /** This host's part in a cluster: empty without {@code --cluster-store}. */
    public Optional<DaemonCluster> cluster() {
        return cluster;
    }

    public NetworkController controller() {
        return engine.controller();
    }

    /** Swarm-style services on this host's networks. */
    public ServiceController services() {
        return engine.services();
    }

    /** The controller's IPAM driver, for Docker's IPAM plugin protocol. */
    public IpamDriver ipam() {
        return engine.ipam();
    }

    public NetNs hostNamespace() {
        return host;
    }

    /** The store the controller keeps its state in, for the resolver's watch and the tasks' desired state. */
    public Store store() {
        return engine.store();
    }

    /** What keeps the daemon from working fully, for /health: a store that turned read-only. */
    public Optional<String> problem() {
        return engine.store().unwritable();
    }

    /**
     * How many default IPv4 pools a new network could still get: the candidates no network holds
     * and the host does not route.
     */
    public long freeDefaultIpv4Pools() {
        List<IpPrefix> taken = engine.controller().networks(NetworkFilter.ALL).stream()
                .flatMap(n -> n.pools().stream()).map(NetworkPool::subnet).toList();
        List<IpPrefix> routed;
        try (NetlinkHandle links = NetlinkHandle.open(host)) {
            routed = new HostRoutes(links).get();
        }
        return DefaultPools.forThisHost().candidates(IpFamily.V4)
                .filter(c -> taken.stream().noneMatch(c::overlaps))
                .filter(c -> routed.stream().noneMatch(c::overlaps))
                .count();
    }

    /** Closes the engine, then the cluster store: keep-alives stop, the lease is not revoked (a restart within its TTL resumes it). */
    @Override
    public void close() {
        try {
            engine.close(); // with the host's registration
        } finally {
            cluster.ifPresent(c -> c.store().close());
        }
    }
}
