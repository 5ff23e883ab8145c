package io.netmgr.drivers;

import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A controller bound to a fresh namespace playing the host, on an embedded store in a temp
 * dir, with the drivers found on the class path. Sandboxes left at the end are deleted, then
 * the controller is closed, then every namespace the test made is removed (in that order, so
 * nothing is left holding a namespace being deleted).
 */
final class ControllerFixture implements BeforeEachCallback, AfterEachCallback {
    private final TestNamespaces netns = new TestNamespaces();
    NetNs host;
    LmdbStore store;
    NetworkController controller;
    private NetlinkHandle routesHandle;

    /** One more namespace the test needs (a container's, a peer's), removed after the test. */
    NetNs namespace(String hint) {
        return netns.create(hint);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        netns.beforeEach(context);
    }

    DefaultIpam ipam;

    /** A controller on a new namespace playing the host. */
    NetworkController start(Path stateDir) {
        return start(stateDir, netns.create("host"));
    }

    /** A controller on {@code hostNamespace}, as a restart would make it. */
    NetworkController start(Path stateDir, NetNs hostNamespace) {
        host = hostNamespace;
        store = LmdbStore.open(stateDir);
        routesHandle = NetlinkHandle.open(host);
        ipam = new DefaultIpam(store, new HostRoutes(routesHandle), DefaultPools.forThisHost());
        controller = new NetworkController(host, store, ipam, DriverRegistry.fromClassPath(), NetNs.DEFAULT_RUN_DIR);
        return controller;
    }

    /** Closes the controller and its store, keeping the state and the namespaces. */
    void stop() {
        controller.close();
        routesHandle.close();
        store.close();
        controller = null;
    }

    NetNs open(Sandbox s) {
        return NetNs.openPath(s.path());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (controller != null) {
            for (Sandbox s : controller.sandboxes()) {
                for (int i = 0; i < s.users(); i++) {
                    controller.deleteSandbox(s.id());
                }
            }
            controller.close();
            routesHandle.close();
            store.close();
        }
        netns.afterEach(context);
    }
}
