package io.netmgr.overlay;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.Store;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.nat.Firewalls;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.ns.Underlay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several hosts in one JVM: an underlay namespace holding bridge {@code ul0}, and per host a
 * namespace playing it, joined to the underlay by a veth whose host end {@code eth0} holds
 * 198.51.100.N/24, with its own controller (its own embedded store in memory) sharing one
 * {@link MemoryStore} as the cluster store. At the end every controller's sandboxes are deleted,
 * the controllers closed and every namespace removed, passed or not.
 */
final class OverlayHosts implements BeforeEachCallback, AfterEachCallback {
    static final String UNDERLAY_PREFIX = "198.51.100.";
    /** An address on the underlay that is no host's: where containers' egress goes. */
    static final String OUTSIDE = UNDERLAY_PREFIX + "254";

    private final TestNamespaces netns = new TestNamespaces();
    final MemoryStore cluster = new MemoryStore();
    final List<Host> hosts = new ArrayList<>();
    NetNs underlay;
    private Underlay underlayNet;

    /**
     * One host: its namespace, underlay address, embedded store and (while running) its
     * registration in the cluster (under a lease of {@link HostRegistry#DEFAULT_LEASE_TTL}) and controller.
     */
    final class Host {
        final String name;
        final NetNs ns;
        final IpAddress address;
        final MemoryStore local = new MemoryStore();
        HostRegistry registry;
        NetworkController controller;
        private final Firewall firewall;

        Host(String name, NetNs ns, IpAddress address) {
            this.name = name;
            this.ns = ns;
            this.address = address;
            this.firewall = Firewalls.open(Firewalls.Backend.NFTABLES, ns); // masquerade and published ports, as netmgrd's
        }

        /** Starts (or starts again, as after a crash) this host's registration and controller on its stores. */
        NetworkController start() {
            registry = HostRegistry.join(cluster, local, "id-of-" + name, name, address.toString(), "test", HostRegistry.DEFAULT_LEASE_TTL);
            try (NetlinkHandle routes = NetlinkHandle.open(ns)) {
                // the IPAMs hold no state of their own: what they read of the routes, they read at each request
                IpamDriver localIpam = new DefaultIpam(local, List::of, DefaultPools.forThisHost());
                IpamDriver clusterIpam = new DefaultIpam(cluster, List::of, DefaultPools.cluster(IpPrefix.parse("fd77::/48")));
                controller = NetworkController.builder(ns, local, localIpam, new DriverRegistry().register(new OverlayDriver()))
                        .sandboxRunDir(NetNs.DEFAULT_RUN_DIR).clusterStore(cluster, clusterIpam).hostId(registry.hostId())
                        .advertiseAddress(address).hostLease(registry::lease).firewall(firewall).build();
            }
            registry.addListener(controller.clusterListener());
            return controller;
        }

        /** Closes the controller as a stopped process would: links, entries and sandboxes stay. */
        void stop() {
            controller.close();
            controller = null;
            registry.close(); // the lease is left to the store, as a stopped daemon leaves it
        }

        /** Its daemon dies (killed: nothing revoked) and nobody keeps its lease alive: a TTL later it expires. */
        void die() {
            long lease = registry.lease().id();
            stop();
            cluster.stopKeepAlive(lease);
        }

        NetNs open(Sandbox s) {
            return NetNs.openPath(s.path());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        netns.beforeEach(context);
        underlayNet = Underlay.in(netns.create("ovu"));
        underlay = underlayNet.namespace();
        try (NetlinkHandle h = NetlinkHandle.open(underlay)) {
            h.addresses().add("ul0", IpNet.parse(OUTSIDE + "/24")); // "the outside", for egress
        }
    }

    /** A new host, number {@code hosts.size() + 1}, on the underlay; its controller started. */
    Host add() {
        int n = hosts.size() + 1;
        NetNs ns = netns.create("ovh" + n);
        IpAddress address = IpAddress.parse(UNDERLAY_PREFIX + n);
        underlayNet.attach(n, ns, address);
        Host host = new Host("host-" + n, ns, address);
        hosts.add(host);
        host.start();
        return host;
    }

    Store clusterStore() {
        return cluster;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException first = null;
        for (Host h : hosts) {
            try {
                if (h.controller == null) {
                    h.start();
                }
                for (Sandbox s : h.controller.sandboxes()) {
                    h.controller.deleteSandbox(s.id());
                }
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            } finally {
                if (h.controller != null) {
                    h.stop();
                }
                h.firewall.close();
            }
        }
        try {
            netns.afterEach(context); // the hosts' links go with their namespaces
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }
}
