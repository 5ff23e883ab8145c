package io.netmgr.drivers;

import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;

/**
 * Child process of {@link CrashIT}: creates and joins endpoints one after another until it is
 * killed, printing each one it finished. Arguments: host namespace path, state dir, network,
 * sandbox, count.
 */
public final class EndpointCreator {
    public static void main(String[] args) {
        NetNs host = NetNs.openPath(Path.of(args[0]));
        LmdbStore store = LmdbStore.open(Path.of(args[1]));
        NetlinkHandle routes = NetlinkHandle.open(host);
        NetworkController c = new NetworkController(host, store,
                new DefaultIpam(store, new HostRoutes(routes), DefaultPools.forThisHost()),
                DriverRegistry.fromClassPath(), NetNs.DEFAULT_RUN_DIR);
        System.out.println("ready");
        for (int i = 0; i < Integer.parseInt(args[4]); i++) {
            Endpoint e = c.createEndpoint(args[2], EndpointConfig.named("ep" + i));
            c.join(e.id(), args[3]);
            System.out.println("joined " + i);
        }
        System.out.println("done");
    }
}
