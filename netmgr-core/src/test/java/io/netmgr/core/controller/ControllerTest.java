package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.JoinMode;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's rules of lifecycle and validation, on fakes (no root): names, conflicts, the
 * predefined networks, id prefixes, shared sandboxes, and bad input refused before anything is
 * made (the fakes count every step, so "nothing was made" is checked, not assumed).
 */
class ControllerTest {
    private final ControllerWorld world = new ControllerWorld();
    private final NetworkController c = world.controller();

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void predefinedNetworksExistOnceAndCannotBeRemoved() {
        assertThat(c.networks(NetworkFilter.ALL)).extracting(Network::name).containsExactly("bridge", "host", "none");
        assertThat(c.network("bridge").options()).containsEntry("bridge.name", "netmgr0");
        assertThat(c.network("host").pools()).isEmpty();
        assertThat(c.network("none").pools()).isEmpty();
        assertThatThrownBy(() -> c.deleteNetwork("bridge")).isInstanceOf(NetmgrException.class)
                .hasMessage("bridge is a pre-defined network and cannot be removed");
        try (NetworkController restarted = world.start()) {
            assertThat(restarted.networks(NetworkFilter.ALL)).hasSize(3);
        }
    }

    @Test
    void badNamesAreRefusedBeforeAnythingIsMade() {
        ControllerWorld.State before = world.state();
        world.faults.reset();
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("bad name!", "fake")))
                .hasMessage("invalid network name \"bad name!\": use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("-dash", "fake"))).hasMessageContaining("invalid network name \"-dash\"");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("x".repeat(65), "fake"))).hasMessageContaining("invalid network name");
        assertThatThrownBy(() -> c.createSandbox("a/b")).hasMessageContaining("invalid sandbox name \"a/b\"");
        assertThatThrownBy(() -> c.createEndpoint("bridge", EndpointConfig.named(""))).hasMessageContaining("invalid endpoint name \"\"");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("x", "warp")))
                .hasMessage("unknown network driver \"warp\"; available: bridge, fake, global, host, none");
        assertThat(world.faults.steps()).isEmpty();
        assertThat(world.state()).isEqualTo(before);
    }

    @Test
    void namesAreUniquePerKind() {
        c.createNetwork(NetworkConfig.of("n", "fake"));
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("n", "fake"))).isInstanceOf(NetmgrException.class)
                .hasMessage("network with name n already exists")
                .satisfies(e -> assertThat(((NetmgrException) e).kind()).isEqualTo(NetmgrException.Kind.CONFLICT));
        c.createEndpoint("n", EndpointConfig.named("e"));
        assertThatThrownBy(() -> c.createEndpoint("n", EndpointConfig.named("e")))
                .hasMessage("endpoint with name e already exists in network n");
        c.createEndpoint("bridge", EndpointConfig.named("e")); // unique within a network only
        c.createSandbox("s");
        assertThatThrownBy(() -> c.createSandbox("s")).hasMessage("sandbox with name s already exists");
        assertThatThrownBy(() -> c.adoptSandbox("s", world.kernel.runtimeNamespace("c1")))
                .hasMessage("sandbox with name s already exists");
        assertThat(world.kernel.namespaces()).hasSize(2); // the sandbox's and the runtime's, no other made
    }

    @Test
    void aNetworkWithEndpointsIsNotDeletedUntilTheyAre() {
        c.createNetwork(NetworkConfig.of("busy", "fake"));
        Endpoint e = c.createEndpoint("busy", EndpointConfig.named("e"));
        ControllerWorld.State before = world.state();
        assertThatThrownBy(() -> c.deleteNetwork("busy")).hasMessageContaining("has active endpoints; disconnect them first")
                .satisfies(x -> assertThat(((NetmgrException) x).kind()).isEqualTo(NetmgrException.Kind.FORBIDDEN));
        assertThat(world.state()).isEqualTo(before);
        c.deleteEndpoint(e.id());
        c.deleteNetwork("busy");
        assertThat(c.networks(NetworkFilter.ALL.withName("busy"))).isEmpty();
    }

    @Test
    void networksAndSandboxesResolveByNameIdOrUniqueIdPrefix() {
        Map<Character, List<Network>> byFirstDigit = new HashMap<>();
        for (int i = 0; i < 17; i++) { // 17 ids among 16 first digits: two share one
            Network n = c.createNetwork(NetworkConfig.of("n" + i, "fake"));
            byFirstDigit.computeIfAbsent(n.id().charAt(0), k -> new ArrayList<>()).add(n);
        }
        Network n0 = c.network("n0");
        assertThat(c.network(n0.id()).name()).isEqualTo("n0");
        assertThat(c.network(n0.id().substring(0, 12)).name()).isEqualTo("n0");
        List<Network> shared = byFirstDigit.values().stream().filter(l -> l.size() > 1).findFirst().orElseThrow();
        String prefix = shared.get(0).id().substring(0, 1);
        long matching = c.networks(NetworkFilter.ALL).stream().filter(n -> n.id().startsWith(prefix)).count();
        assertThatThrownBy(() -> c.network(prefix)).hasMessage("network id prefix " + prefix + " is ambiguous: it matches "
                + matching + " networks; give more characters");
        // a full id names its network even when another network's name is that id (Docker's FindNetwork order)
        Network namedLikeAnId = c.createNetwork(NetworkConfig.of(n0.id(), "fake"));
        assertThat(c.network(n0.id()).name()).isEqualTo("n0");
        assertThat(c.network(namedLikeAnId.id()).name()).isEqualTo(n0.id());
        c.deleteNetwork(namedLikeAnId.id());
        assertThatThrownBy(() -> c.network("nosuch")).hasMessage("network nosuch not found")
                .satisfies(e -> assertThat(((NetmgrException) e).kind()).isEqualTo(NetmgrException.Kind.NOT_FOUND));
        Sandbox s = c.createSandbox("s");
        assertThat(c.sandbox(s.id().substring(0, 12))).isEqualTo(s);
        assertThat(c.findSandbox("s")).contains(s);
        assertThat(c.findSandboxById(s.id())).contains(s);
        assertThatThrownBy(() -> c.sandbox("t")).hasMessage("sandbox t not found");
    }

    @Test
    void anIpv6SubnetNeedsIpv6AndReservesNothingOtherwise() {
        ControllerWorld.State before = world.state();
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("v6", "fake").withIpam(IpamConfig.of(IpPrefix.parse("fd00:1::/64")))))
                .hasMessage("network v6: subnet fd00:1::/64 is IPv6 but IPv6 is not enabled; enable IPv6 or drop the subnet");
        assertThat(world.state()).isEqualTo(before);
    }

    @Test
    void aDriversRefusalComesBeforeAnyPoolIsGranted() {
        ControllerWorld.State before = world.state();
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("n", "fake").withOption("fake.invalid", "1")))
                .hasMessage("network n: option fake.invalid is refused");
        assertThat(world.state()).isEqualTo(before);
        assertThat(world.faults.steps()).endsWith("driver validate n"); // the options are checked before IPAM is asked
    }

    @Test
    void aBadMacIsRefusedBeforeAnyAddressIsReserved() {
        c.createNetwork(NetworkConfig.of("n", "fake"));
        world.faults.reset();
        assertThatThrownBy(() -> c.createEndpoint("n", EndpointConfig.named("m").withMac("01:00:5e:00:00:01")))
                .hasMessageContaining("is a multicast address");
        assertThatThrownBy(() -> c.createEndpoint("n", EndpointConfig.named("m").withMac("zz")))
                .hasMessageContaining("invalid mac address \"zz\"");
        assertThat(world.faults.steps()).isEmpty();
    }

    @Test
    void endpointsGetAddressesAndADockerStyleMac() {
        c.createNetwork(NetworkConfig.of("n", "fake").withIpam(IpamConfig.of(IpPrefix.parse("10.9.0.0/24"))));
        Endpoint first = c.createEndpoint("n", EndpointConfig.named("a"));
        Endpoint fixed = c.createEndpoint("n", EndpointConfig.named("b").withIpv4("10.9.0.50").withMac("02:00:00:00:00:0b"));
        assertThat(first.addresses()).containsExactly(IpNet.parse("10.9.0.2/24"));
        assertThat(first.mac()).isEqualTo("02:42:0a:09:00:02");
        assertThat(fixed.addresses()).containsExactly(IpNet.parse("10.9.0.50/24"));
        assertThat(fixed.mac()).isEqualTo("02:00:00:00:00:0b");
        ControllerWorld.State before = world.state();
        assertThatThrownBy(() -> c.createEndpoint("n", EndpointConfig.named("c").withIpv4("10.9.0.50")))
                .hasMessageContaining("10.9.0.50");
        assertThat(world.state()).isEqualTo(before);
        assertThat(c.endpointsOn(c.network("n").id())).extracting(Endpoint::name).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void joinPutsTheEndpointInTheSandboxAndLeaveTakesItOut() {
        Endpoint e = endpointOnANewNetwork();
        Sandbox s = c.createSandbox("s");
        Endpoint joined = c.join(e.id(), "s");
        assertThat(joined.sandboxId()).isEqualTo(s.id());
        assertThat(joined.interfaceName()).isEqualTo("eth0");
        assertThat(joined.hostInterface()).isEqualTo("fk" + e.id().substring(0, 12));
        assertThat(world.driver.made().joined()).containsEntry(e.id(), "eth0");
        assertThat(world.kernel.configured()).containsExactly("eth0 of e in " + s.path());
        assertThatThrownBy(() -> c.join(e.id(), "s")).hasMessage("endpoint e is already joined to sandbox " + s.id());
        assertThatThrownBy(() -> c.join(e.id(), "nosuch")).hasMessage("endpoint e is already joined to sandbox " + s.id());
        Endpoint left = c.leave(e.id());
        assertThat(left.sandboxId()).isNull();
        assertThat(c.leave(e.id())).isEqualTo(left); // leaving twice is no error
        assertThat(world.driver.made().joined()).isEmpty();
        assertThatThrownBy(() -> c.join(e.id(), "nosuch")).hasMessage("sandbox nosuch not found");
        assertThatThrownBy(() -> c.join("0123", "s")).hasMessage("endpoint 0123 not found");
        assertThat(world.kernel.openHandles()).isZero();
    }

    @Test
    void aHandedOverJoinLeavesTheInterfaceToItsCallerWhoseNamespaceMayNotExistYet() {
        c.createNetwork(NetworkConfig.of("n", "fake"));
        Endpoint e = c.createEndpoint("n", EndpointConfig.named("e").withInterfaceName("nmdtransit").withPorts("8080:80"));
        Sandbox later = c.adoptPendingSandbox("later", Path.of("/var/run/docker/netns/0123456789ab")); // runc makes it after the join
        Endpoint joined = c.join(e.id(), later.id(), JoinMode.HAND_OVER);
        assertThat(joined.sandboxId()).isEqualTo(later.id());
        assertThat(joined.interfaceName()).isEqualTo("nmdtransit"); // the name the caller finds it under in the host namespace
        assertThat(world.driver.made().joined()).containsEntry(e.id(), "nmdtransit");
        assertThat(world.driver.made().external()).contains(e.id());
        assertThat(world.kernel.configured()).as("the caller addresses and routes it, not netmgr").isEmpty();
        c.leave(e.id());
        assertThat(world.driver.made().joined()).isEmpty();
        assertThat(c.endpoint(e.id()).sandboxId()).isNull();
    }

    @Test
    void aHandOverNeedsTheInterfaceNameTheCallerLooksFor() {
        c.createNetwork(NetworkConfig.of("n", "fake"));
        Endpoint e = c.createEndpoint("n", EndpointConfig.named("e"));
        Sandbox later = c.adoptPendingSandbox("later", Path.of("/var/run/docker/netns/0123456789ab"));
        ControllerWorld.State before = world.state();
        assertThatThrownBy(() -> c.join(e.id(), later.id(), JoinMode.HAND_OVER))
                .hasMessage("endpoint e needs an interface name to be handed over");
        assertThat(world.state()).isEqualTo(before);
        assertThatThrownBy(() -> c.adoptPendingSandbox("rel", Path.of("netns/x"))).hasMessageContaining("is not absolute");
    }

    @Test
    void aTakenHostPortRefusesTheSecondJoinBeforeAnythingIsMade() {
        c.createNetwork(NetworkConfig.of("n", "fake"));
        Endpoint first = c.createEndpoint("n", EndpointConfig.named("first").withPorts("8080:80"));
        Endpoint second = c.createEndpoint("n", EndpointConfig.named("second").withPorts("8080:80"));
        c.createSandbox("a");
        c.createSandbox("b");
        c.join(first.id(), "a");
        ControllerWorld.State before = world.state();
        assertThatThrownBy(() -> c.join(second.id(), "b")).isInstanceOf(NetmgrException.class)
                .satisfies(e -> assertThat(((NetmgrException) e).kind()).isEqualTo(NetmgrException.Kind.CONFLICT))
                .hasMessageContaining("8080");
        assertThat(world.state()).isEqualTo(before);
        // refused before the driver made anything for the second endpoint
        assertThat(world.faults.steps()).doesNotContain("driver join second", "driver leave second");
    }

    @Test
    void publishingNeedsAFirewallAndANetworkThatPublishes() {
        c.createNetwork(NetworkConfig.of("inside", "fake").withInternal(true));
        assertThatThrownBy(() -> c.createEndpoint("none", EndpointConfig.named("p").withPorts("80:80")))
                .hasMessageContaining("on network none: its driver none does not publish ports; use a bridge network");
        assertThatThrownBy(() -> c.createEndpoint("inside", EndpointConfig.named("p").withPorts("80:80")))
                .hasMessageContaining("on network inside: it is internal");
        try (NetworkController withoutFirewall = NetworkController.builder(world.kernel, world.store, world.ipam, world.drivers)
                .sandboxNamespaces(world.kernel).build()) {
            assertThatThrownBy(() -> withoutFirewall.createEndpoint("bridge", EndpointConfig.named("p").withPorts("80:80")))
                    .hasMessageContaining("this netmgr runs without a firewall; start it with a firewall backend");
        }
        assertThat(c.endpoints()).isEmpty();
    }

    @Test
    void aSharedSandboxLastsUntilItsLastUserGoes() {
        Endpoint e = endpointOnANewNetwork();
        Sandbox first = c.createSandbox("first");
        c.join(e.id(), "first");
        Sandbox second = c.shareSandbox("first");
        assertThat(second.path()).isEqualTo(first.path());
        assertThat(second.users()).isEqualTo(2);
        c.deleteSandbox("first");
        assertThat(c.sandbox("first").users()).isEqualTo(1);
        assertThat(c.endpoint(e.id()).sandboxId()).isEqualTo(first.id());
        assertThat(world.kernel.namespaces()).contains(first.path());
        assertThat(c.deleteSandbox(first.id())).extracting(Endpoint::id).containsExactly(e.id());
        assertThat(c.sandboxes()).isEmpty();
        assertThat(world.kernel.namespaces()).doesNotContain(first.path());
        // as DELETE /v1/sandboxes does: its endpoints go with it, their addresses released
        assertThat(c.endpoints()).isEmpty();
        assertThat(world.driver.made().joined()).isEmpty();
        assertThat(world.ipam.grants().addresses()).isEmpty();
        c.deleteNetwork("n");
    }

    @Test
    void anAdoptedNamespaceIsNeverRemovedAndMustBeANamespace() {
        Path runtimes = world.kernel.runtimeNamespace("c1");
        Sandbox s = c.adoptSandbox("adopted", runtimes);
        assertThat(s.owned()).isFalse();
        c.deleteSandbox("adopted");
        assertThat(world.kernel.namespaces()).containsExactly(runtimes);
        assertThatThrownBy(() -> c.adoptSandbox("bad", Path.of("/nowhere"))).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("cannot use /nowhere as a sandbox");
        assertThat(c.sandboxes()).isEmpty();
    }

    @Test
    void anEndpointLeavesASandboxWhoseNamespaceVanished() {
        Endpoint e = endpointOnANewNetwork();
        Path runtimes = joinedToARuntimesNamespace(e, "s");
        world.kernel.vanish(runtimes);
        c.deleteEndpoint(e.id());
        assertThat(world.driver.made().joined()).isEmpty();
        assertThat(world.ipam.grants().addresses()).isEmpty();
    }

    @Test
    void reconcilingForgetsSandboxesWhoseNamespaceVanished() {
        Endpoint e = endpointOnANewNetwork();
        Path runtimes = joinedToARuntimesNamespace(e, "gone");
        world.kernel.vanish(runtimes);
        assertThat(c.reconcile()).containsExactly("forgot sandbox gone: its namespace " + runtimes + " is gone",
                "endpoint e left its vanished sandbox");
        assertThat(c.sandboxes()).isEmpty();
        assertThat(c.endpoint(e.id()).sandboxId()).isNull();
        assertThat(world.firewall.rules().ports()).isEmpty();
    }

    @Test
    void aWholeLifecycleLeavesTheWorldAsItWas() {
        ControllerWorld.State before = world.state();
        c.createNetwork(NetworkConfig.of("n", "fake").withIpv6(true));
        Endpoint e = c.createEndpoint("n", EndpointConfig.named("e").withPorts("8080:80"));
        c.createSandbox("s");
        c.join(e.id(), "s");
        assertThat(world.firewall.rules().ports()).hasSize(2); // IPv4 and IPv6
        c.leave(e.id());
        c.deleteEndpoint(e.id());
        c.deleteNetwork("n");
        c.deleteSandbox("s");
        assertThat(world.state()).isEqualTo(before);
        c.close();
        assertThat(world.kernel.closed()).isTrue();
    }

    /** Endpoint e on a new network n. */
    private Endpoint endpointOnANewNetwork() {
        c.createNetwork(NetworkConfig.of("n", "fake"));
        return c.createEndpoint("n", EndpointConfig.named("e"));
    }

    /** Joins {@code e} to a new sandbox adopting a runtime's namespace; returns the namespace's path. */
    private Path joinedToARuntimesNamespace(Endpoint e, String sandbox) {
        Path runtimes = world.kernel.runtimeNamespace("c1");
        c.adoptSandbox(sandbox, runtimes);
        c.join(e.id(), sandbox);
        return runtimes;
    }
}
