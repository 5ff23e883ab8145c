package io.netmgr.daemon;

import io.netmgr.core.controller.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place the daemon builds its {@link NetworkController}: the embedded store under
 * {@code <stateDir>/store}, default IPAM and the drivers on the class path, bound to the host
 * namespace given. (The lead's {@code io.netmgr.engine.Engine} will replace the body of
 * {@link #open}; nothing else in the daemon builds a controller.)
 */
public final class DaemonEngine implements AutoCloseable {
    private final NetNs host;
    private final LmdbStore store;
    private final NetlinkHandle hostLinks;
    private final DefaultIpam ipam;
    private final DefaultPools defaultPools;
    private final NetworkController controller;

    private DaemonEngine(NetNs host, LmdbStore store, NetlinkHandle hostLinks, DefaultIpam ipam, DefaultPools defaultPools,
                         NetworkController controller) {
        this.host = host;
        this.store = store;
        this.hostLinks = hostLinks;
        this.ipam = ipam;
        this.defaultPools = defaultPools;
        this.controller = controller;
    }

    /** Opens the store and the controller; the controller reconciles kernel and store as it starts. */
    public static DaemonEngine open(Path stateDir, NetNs host) {
        LmdbStore store = LmdbStore.open(stateDir.resolve("store"));
        NetlinkHandle hostLinks = null;
        try {
            hostLinks = NetlinkHandle.open(host);
            DefaultPools pools = DefaultPools.forThisHost();
            DefaultIpam ipam = new DefaultIpam(store, new HostRoutes(hostLinks), pools);
            NetworkController controller = new NetworkController(host, store, ipam, DriverRegistry.fromClassPath(),
                    NetNs.DEFAULT_RUN_DIR);
            return new DaemonEngine(host, store, hostLinks, ipam, pools, controller);
        } catch (RuntimeException e) {
            if (hostLinks != null) {
                hostLinks.close();
            }
            store.close();
            throw e;
        }
    }

    public NetworkController controller() {
        return controller;
    }

    public NetNs hostNamespace() {
        return host;
    }

    /**
     * How many default IPv4 pools a new network could still get: the candidates no network holds
     * and the host does not route (for {@code system doctor}).
     */
    public long freeDefaultIpv4Pools() {
        List<IpPrefix> taken = ipam.pools().stream().map(Pool::subnet).toList();
        List<IpPrefix> routed = new HostRoutes(hostLinks).get();
        return defaultPools.candidates(IpFamily.V4)
                .filter(c -> taken.stream().noneMatch(c::overlaps))
                .filter(c -> routed.stream().noneMatch(c::overlaps))
                .count();
    }

    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            hostLinks.close();
            store.close();
        }
    }
}
