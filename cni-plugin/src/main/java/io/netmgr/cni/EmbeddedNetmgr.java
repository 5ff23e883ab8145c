package io.netmgr.cni;

import io.netmgr.core.controller.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;

/**
 * The one place the plugin builds netmgr: the embedded store of a state directory, default
 * IPAM, the drivers on the class path and a controller bound to the host namespace (the
 * process's own, or a named one that plays the host in tests). Closing it closes them all.
 */
final class EmbeddedNetmgr implements AutoCloseable {
    private final NetNs host;
    private final LmdbStore store;
    private final NetlinkHandle hostLinks;
    private final NetworkController controller;

    private EmbeddedNetmgr(NetNs host, LmdbStore store, NetlinkHandle hostLinks, NetworkController controller) {
        this.host = host;
        this.store = store;
        this.hostLinks = hostLinks;
        this.controller = controller;
    }

    /**
     * Opens netmgr on {@code stateDir}. The caller holds the state directory's lock: the
     * controller's start-up reconcile must not run while another process is half-way through
     * a change.
     */
    static EmbeddedNetmgr open(Path stateDir, HostNamespace hostNamespace) {
        NetNs host = hostNamespace.open();
        LmdbStore store = null;
        NetlinkHandle links = null;
        try {
            store = LmdbStore.open(stateDir);
            links = NetlinkHandle.open(host);
            NetworkController controller = new NetworkController(host, store,
                    new DefaultIpam(store, new HostRoutes(links), DefaultPools.forThisHost()),
                    DriverRegistry.fromClassPath(), NetNs.DEFAULT_RUN_DIR);
            return new EmbeddedNetmgr(host, store, links, controller);
        } catch (RuntimeException e) {
            if (links != null) {
                links.close();
            }
            if (store != null) {
                store.close();
            }
            host.close();
            throw e;
        }
    }

    NetworkController controller() {
        return controller;
    }

    @Override
    public void close() {
        controller.close();
        hostLinks.close();
        store.close();
        host.close();
    }
}
