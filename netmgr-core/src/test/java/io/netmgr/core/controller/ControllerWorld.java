package io.netmgr.core.controller;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.fake.FakeDriver;
import io.netmgr.core.fake.FakeFirewall;
import io.netmgr.core.fake.FakeIpam;
import io.netmgr.core.fake.FakeKernel;
import io.netmgr.core.fake.Faults;
import io.netmgr.core.fake.FaultyStore;
import io.netmgr.netlink.addr.IpAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A controller on fakes only (no root, no kernel): a store that can fail its commits, IPAM in
 * memory, a cluster store and IPAM of the same kinds, a fake kernel and firewall, and fake drivers
 * named fake, global (of global scope: its networks and endpoints in the cluster store, its joined
 * endpoints announced to other hosts there), bridge, host and none (the last three
 * so the predefined networks exist), all failing at the step {@link #faults} says.
 */
final class ControllerWorld implements AutoCloseable {
    final Faults faults = new Faults();
    final FaultyStore store = new FaultyStore(faults);
    final FakeIpam ipam = new FakeIpam(faults);
    final FaultyStore clusterStore = new FaultyStore(faults);
    final FakeIpam clusterIpam = new FakeIpam(faults);
    final FakeKernel kernel = new FakeKernel(faults);
    final FakeFirewall firewall = new FakeFirewall(faults);
    final FakeDriver driver = new FakeDriver("fake", faults);
    final DriverRegistry drivers = new DriverRegistry().register(driver).register(new FakeDriver("global", faults, Scope.GLOBAL))
            .register(new FakeDriver("bridge", faults))
            .register(new FakeDriver("host", faults)).register(new FakeDriver("none", faults));
    private NetworkController controller;

    /** The controller, started on first use. */
    NetworkController controller() {
        if (controller == null) {
            controller = start();
        }
        return controller;
    }

    /** A new controller on this world's store and kernel, as a restart or a second process makes it. */
    NetworkController start() {
        return NetworkController.builder(kernel, store, ipam, drivers).sandboxNamespaces(kernel).firewall(firewall)
                .clusterStore(clusterStore, clusterIpam).hostId("host-a").advertiseAddress(IpAddress.parse("192.0.2.1")).build();
    }

    /** Everything a failed call must leave as it found it. */
    State state() {
        return new State(store.contents(), ipam.grants(), clusterStore.contents(), clusterIpam.grants(), drivers.all().stream()
                .collect(java.util.stream.Collectors.toMap(d -> d.name(), d -> ((FakeDriver) d).made())),
                firewall.rules(), kernel.namespaces());
    }

    record State(Map<String, String> store, FakeIpam.Grants ipam, Map<String, String> clusterStore, FakeIpam.Grants clusterIpam,
                 Map<String, FakeDriver.Made> drivers,
                 FakeFirewall.Rules firewall, Set<Path> namespaces) {
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
    }
}
