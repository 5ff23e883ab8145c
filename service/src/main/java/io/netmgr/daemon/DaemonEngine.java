package io.netmgr.daemon;

import io.netmgr.core.controller.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.engine.Engine;
import io.netmgr.engine.EngineConfig;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's {@link Engine} (store under {@code <stateDir>/store}, IPAM, drivers, firewall,
 * controller) bound to the host namespace given, plus what {@code system doctor} asks of that
 * host.
 */
public final class DaemonEngine implements AutoCloseable {
    private final Engine engine;
    private final NetNs host;

    private DaemonEngine(Engine engine, NetNs host) {
        this.engine = engine;
        this.host = host;
    }

    /** Opens the engine; the controller reconciles kernel and store as it starts. */
    public static DaemonEngine open(Path stateDir, NetNs host, FirewallChoice firewall) {
        return new DaemonEngine(Engine.open(EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(host)
                .withFirewall(firewall)), host);
    }

    public NetworkController controller() {
        return engine.controller();
    }

    /** The controller's IPAM driver, for Docker's IPAM plugin protocol. */
    public IpamDriver ipam() {
        return engine.ipam();
    }

    public NetNs hostNamespace() {
        return host;
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

    @Override
    public void close() {
        engine.close();
    }
}
