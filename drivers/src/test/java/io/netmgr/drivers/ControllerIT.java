package io.netmgr.drivers;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static io.netmgr.netlink.testing.IpOracle.ipDo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.driver.LinkReaper;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The controller with the real drivers, in a namespace playing the host, checked by traffic and by `ip -j`. */
class ControllerIT {
    @RegisterExtension
    final ControllerFixture fixture = new ControllerFixture();
    @TempDir
    Path stateDir;

    @Test
    void predefinedNetworksExistAndCannotBeRemoved() {
        NetworkController c = fixture.start(stateDir);
        assertThat(c.networks(NetworkFilter.ALL)).extracting(Network::name).containsExactly("bridge", "host", "none");
        assertThat(c.network("bridge").pools()).singleElement().satisfies(p -> assertThat(p.subnet()).isEqualTo(IpPrefix.parse("172.17.0.0/16")));
        assertThat(ip(fixture.host, "addr", "show", "netmgr0").get(0).toString()).contains("172.17.0.1");
        assertThatThrownBy(() -> c.deleteNetwork("bridge")).isInstanceOf(NetmgrException.class)
                .hasMessage("bridge is a pre-defined network and cannot be removed");
    }

    @Test
    void networksAreListedByFiltersAndFoundByIdPrefix() {
        NetworkController c = fixture.start(stateDir);
        Network blue = c.createNetwork(NetworkConfig.of("blue", "bridge").withLabel("team", "a"));
        c.createNetwork(NetworkConfig.of("green", "bridge").withLabel("team", "b").withLabel("pci", ""));
        assertThat(c.networks(NetworkFilter.ALL.withDriver("bridge"))).extracting(Network::name).containsExactly("blue", "bridge", "green");
        assertThat(c.networks(NetworkFilter.ALL.withLabel("team=a"))).extracting(Network::name).containsExactly("blue");
        assertThat(c.networks(NetworkFilter.ALL.withLabel("pci"))).extracting(Network::name).containsExactly("green");
        assertThat(c.networks(NetworkFilter.ALL.withName("ee"))).extracting(Network::name).containsExactly("green");
        assertThat(c.networks(NetworkFilter.ALL.withIdPrefix(blue.id().substring(0, 6)))).extracting(Network::name).containsExactly("blue");
        assertThat(c.network(blue.id()).name()).isEqualTo("blue");
        assertThat(c.network(blue.id().substring(0, 12)).name()).isEqualTo("blue");
        assertThatThrownBy(() -> c.network("nosuch")).isInstanceOf(NetmgrException.class).hasMessage("network nosuch not found");
    }

    /**
     * A bridge without an address of its own takes its lowest port's, so it changed whenever a
     * container with a lower MAC joined, or the lowest one left: containers kept the old gateway
     * MAC in their ARP cache, and once its port was gone their frames to the gateway were flooded,
     * not received, until ARP gave up on it. A bridge made again by a repair keeps it too.
     */
    @Test
    void aBridgeKeepsItsMacWhilePortsComeAndGo() {
        NetworkController c = fixture.start(stateDir);
        c.createNetwork(NetworkConfig.of("steady", "bridge").withOption("com.docker.network.bridge.name", "br-steady"));
        String before = ip(fixture.host, "link", "show", "br-steady").get(0).get("address").asText();
        ipDo(fixture.host, "link", "add", "lowport", "address", "00:00:00:00:00:01", "type", "veth", "peer", "name", "lowpeer");
        ipDo(fixture.host, "link", "set", "lowport", "master", "br-steady", "up");
        assertThat(ip(fixture.host, "link", "show", "br-steady").get(0).get("address").asText()).isEqualTo(before);
        ipDo(fixture.host, "link", "del", "lowport");
        assertThat(ip(fixture.host, "link", "show", "br-steady").get(0).get("address").asText()).isEqualTo(before);
        ipDo(fixture.host, "link", "del", "br-steady");
        c.repairDamagedNetworks();
        assertThat(ip(fixture.host, "link", "show", "br-steady").get(0).get("address").asText()).as("made again by a repair")
                .isEqualTo(before);
    }

    @Test
    void requestedMacAndMtuAreApplied() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("jumbo", "bridge").withOption("mtu", "1400"));
        Sandbox s = attach(c, "m", net, EndpointConfig.named("m").withMac("02:00:00:12:34:56").withInterfaceName("data0"));
        try (NetNs ns = fixture.open(s)) {
            JsonNode link = ip(ns, "link", "show", "data0").get(0);
            assertThat(link.get("address").asText()).isEqualTo("02:00:00:12:34:56");
            assertThat(link.get("mtu").asInt()).isEqualTo(1400);
        }
        assertThatThrownBy(() -> c.createEndpoint("jumbo", EndpointConfig.named("x").withMac("01:00:5e:00:00:01")))
                .hasMessageContaining("multicast");
    }

    @Test
    void twoSandboxesOnOneBridgeNetworkExchangeTcp() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("front", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.30.0.0/24"))));
        Sandbox a = attach(c, "a", net, EndpointConfig.named("a"));
        Sandbox b = attach(c, "b", net, EndpointConfig.named("b"));
        assertTcp(a, b, "10.30.0.3");
        // the kernel agrees with the store: a bridge with the gateway, ports for both endpoints
        String bridge = BridgeDriver.bridgeName(net);
        assertThat(ip(fixture.host, "addr", "show", bridge).get(0).toString()).contains("\"local\":\"10.30.0.1\"");
        assertThat(ip(fixture.host, "link", "show", "master", bridge)).hasSize(2);
        try (NetNs ns = fixture.open(a)) {
            JsonNode routes = ip(ns, "route", "show", "default");
            assertThat(routes.get(0).get("gateway").asText()).isEqualTo("10.30.0.1");
            assertThat(ip(ns, "link", "show", "eth0").get(0).get("address").asText()).isEqualTo("02:42:0a:1e:00:02");
        }
    }

    @Test
    void sandboxOnTwoNetworksReachesBoth() {
        NetworkController c = fixture.start(stateDir);
        Network n1 = c.createNetwork(NetworkConfig.of("one", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.31.1.0/24"))));
        Network n2 = c.createNetwork(NetworkConfig.of("two", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.31.2.0/24"))));
        Sandbox both = attach(c, "both", n1, EndpointConfig.named("both1"));
        Endpoint second = c.createEndpoint("two", EndpointConfig.named("both2"));
        c.join(second.id(), both.id());
        Sandbox x = attach(c, "x", n1, EndpointConfig.named("x"));
        Sandbox y = attach(c, "y", n2, EndpointConfig.named("y"));
        assertTcp(x, both, "10.31.1.2");
        assertTcp(y, both, "10.31.2.2");
        try (NetNs ns = fixture.open(both)) {
            assertThat(ip(ns, "link", "show", "eth1")).hasSize(1);
            assertThat(ip(ns, "route", "show", "default")).hasSize(1); // the first network's gateway only
        }
    }

    @Test
    void staticAddressIsHonouredAndItsReuseRefused() {
        NetworkController c = fixture.start(stateDir);
        c.createNetwork(NetworkConfig.of("static", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.32.0.0/24"))));
        Endpoint e = c.createEndpoint("static", EndpointConfig.named("fixed").withIpv4("10.32.0.50"));
        assertThat(e.addresses()).containsExactly(IpNet.parse("10.32.0.50/24"));
        assertThatThrownBy(() -> c.createEndpoint("static", EndpointConfig.named("again").withIpv4("10.32.0.50")))
                .hasMessageContaining("address 10.32.0.50 already in use by endpoint " + e.id());
        assertThat(c.endpoints()).extracting(Endpoint::name).containsExactly("fixed");
    }

    @Test
    void endpointsOnANetworkComeFromItsIndex() {
        NetworkController c = fixture.start(stateDir);
        Network red = c.createNetwork(NetworkConfig.of("red", "bridge"));
        Network blue = c.createNetwork(NetworkConfig.of("blue", "bridge"));
        Endpoint r1 = c.createEndpoint("red", EndpointConfig.named("r1"));
        Endpoint r2 = c.createEndpoint("red", EndpointConfig.named("r2"));
        Endpoint b1 = c.createEndpoint("blue", EndpointConfig.named("b1"));
        assertThat(c.endpointsOn(red.id())).extracting(Endpoint::id).containsExactlyInAnyOrder(r1.id(), r2.id());
        assertThat(c.endpointsOn(blue.id())).extracting(Endpoint::id).containsExactly(b1.id());
        c.deleteEndpoint(r1.id());
        assertThat(c.endpointsOn(red.id())).extracting(Endpoint::id).containsExactly(r2.id());
        assertThat(c.endpointsOn("0123456789ab")).isEmpty();
    }

    @Test
    void networkWithEndpointsCannotBeDeleted() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("busy", "bridge"));
        Endpoint e = c.createEndpoint("busy", EndpointConfig.named("ep"));
        assertThatThrownBy(() -> c.deleteNetwork("busy")).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("has active endpoints");
        c.deleteEndpoint(e.id());
        c.deleteNetwork(net.id().substring(0, 12)); // by unique ID prefix
        assertThat(c.networks(NetworkFilter.ALL.withName("busy"))).isEmpty();
        assertThat(ip(fixture.host, "link", "show")).noneMatch(l -> l.get("ifname").asText().equals(BridgeDriver.bridgeName(net)));
    }

    /**
     * A deleted network's bridge is out of service at once (its name, address and routes free,
     * so the same network can be made again right away) and deleted in the background: nothing
     * is left once the controller closes. A retired bridge a killed process left is deleted by
     * the next controller.
     */
    @Test
    void aDeletedNetworksBridgeIsRetiredAtOnceAndDeletedBehind() {
        NetworkController c = fixture.start(stateDir);
        NetworkConfig config = NetworkConfig.of("brief", "bridge").withOption("bridge.name", "br-brief")
                .withIpam(IpamConfig.of(IpPrefix.parse("10.33.0.0/24")));
        c.createNetwork(config);
        c.deleteNetwork("brief");
        assertThat(ip(fixture.host, "link", "show")).noneMatch(l -> l.get("ifname").asText().equals("br-brief"));
        assertThat(ip(fixture.host, "-4", "addr", "show")).noneMatch(l -> l.toString().contains("10.33.0.1"));
        assertThat(ip(fixture.host, "route", "show")).noneMatch(r -> r.toString().contains("10.33.0.0/24"));

        Network again = c.createNetwork(config); // the same bridge name and subnet, at once
        Sandbox a = attach(c, "ra", again, EndpointConfig.named("ra").withIpv4("10.33.0.10"));
        Sandbox b = attach(c, "rb", again, EndpointConfig.named("rb"));
        assertTcp(b, a, "10.33.0.10");
        c.deleteSandbox(a.id());
        c.deleteSandbox(b.id());
        NetNs host = fixture.host;
        fixture.stop();
        assertThat(ip(host, "link", "show")).noneMatch(l -> LinkReaper.isRetired(l.get("ifname").asText()));

        // a process killed between retiring and deleting leaves one
        try (NetlinkHandle h = NetlinkHandle.open(host)) {
            h.links().add(Bridge.named("nmx-0123456789a"));
        }
        fixture.start(stateDir, host);
        fixture.stop();
        assertThat(ip(host, "link", "show")).noneMatch(l -> LinkReaper.isRetired(l.get("ifname").asText()));
    }

    /**
     * The library does what DELETE /v1/sandboxes does: the last user of a sandbox takes its
     * endpoints along (interface gone, addresses free again), so the network can go right after.
     */
    @Test
    void deletingASandboxDeletesItsEndpoints() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("brief", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.34.0.0/24"))));
        Sandbox web = attach(c, "web", net, EndpointConfig.named("web").withIpv4("10.34.0.10"));
        Sandbox shared = c.shareSandbox("web");

        assertThat(c.deleteSandbox(shared.id())).isEmpty(); // one user left: its endpoint stays
        assertThat(c.endpointsOn(net.id())).extracting(Endpoint::name).containsExactly("web");

        assertThat(c.deleteSandbox("web")).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("web");
            assertThat(e.sandboxId()).isEqualTo(web.id());
        });
        assertThat(c.endpoints()).isEmpty();
        assertThat(ip(fixture.host, "link", "show")).noneMatch(l -> l.get("ifname").asText().startsWith("nmv"));
        Endpoint again = c.createEndpoint(net.id(), EndpointConfig.named("again").withIpv4("10.34.0.10"));
        c.deleteEndpoint(again.id());
        c.deleteNetwork("brief");
        assertThat(c.networks(NetworkFilter.ALL)).extracting(Network::name).doesNotContain("brief");
    }

    @Test
    void hostModeSeesTheHostsLinks() {
        NetworkController c = fixture.start(stateDir);
        try (NetlinkHandle h = NetlinkHandle.open(fixture.host)) {
            h.links().add(Veth.pair("hostonly0", "hostonly1"));
        }
        Sandbox hostSandbox = c.adoptSandbox("hostmode", fixture.host.path());
        Endpoint e = c.createEndpoint("host", EndpointConfig.named("h"));
        c.join(e.id(), hostSandbox.id());
        try (NetNs ns = fixture.open(hostSandbox); NetlinkHandle h = NetlinkHandle.open(ns)) {
            assertThat(h.links().list()).extracting(Link::name).contains("hostonly0", "netmgr0");
        }
        Sandbox other = c.createSandbox("not-host");
        Endpoint e2 = c.createEndpoint("host", EndpointConfig.named("h2"));
        assertThatThrownBy(() -> c.join(e2.id(), other.id())).hasMessageContaining("host's own namespace");
    }

    @Test
    void noneHasOnlyLoopbackUp() {
        NetworkController c = fixture.start(stateDir);
        Sandbox s = attach(c, "lonely", c.network("none"), EndpointConfig.named("n"));
        try (NetNs ns = fixture.open(s)) {
            JsonNode links = ip(ns, "link", "show");
            assertThat(links).singleElement().satisfies(l -> {
                assertThat(l.get("ifname").asText()).isEqualTo("lo");
                assertThat(l.get("flags").toString()).contains("UP");
            });
        }
    }

    @Test
    void containerModeSharesTheSandbox() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("shared", "bridge"));
        Sandbox first = attach(c, "first", net, EndpointConfig.named("first"));
        Sandbox second = c.shareSandbox("first");
        assertThat(second.path()).isEqualTo(first.path());
        assertThat(second.users()).isEqualTo(2);
        c.deleteSandbox("first"); // one user gone: the namespace and its eth0 stay
        try (NetNs ns = fixture.open(first)) {
            assertThat(ip(ns, "link", "show", "eth0")).hasSize(1);
        }
        assertThat(c.sandbox("first").users()).isEqualTo(1);
    }

    @Test
    void macvlanChildrenOnAVethParentReachEachOther() {
        NetworkController c = fixture.start(stateDir);
        try (NetlinkHandle h = NetlinkHandle.open(fixture.host)) {
            h.links().add(Veth.pair("uplink0", "uplink1"));
            h.links().setUp("uplink1");
            h.links().setUp("uplink0");
        }
        Network mv = c.createNetwork(NetworkConfig.of("mv", "macvlan").withOption("parent", "uplink0")
                .withIpam(IpamConfig.of(IpPrefix.parse("10.33.0.0/24"))));
        Sandbox a = attach(c, "mva", mv, EndpointConfig.named("mva"));
        Sandbox b = attach(c, "mvb", mv, EndpointConfig.named("mvb"));
        try (NetNs ns = fixture.open(a)) {
            assertThat(ip(ns, "-d", "link", "show", "eth0").get(0).at("/linkinfo/info_kind").asText()).isEqualTo("macvlan");
        }
        assertTcp(a, b, "10.33.0.3");
    }

    @Test
    void dualStackEndpointsTalkOverIpv6() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("dual", "bridge").withIpv6(true)
                .withIpam(IpamConfig.of(IpPrefix.parse("10.34.0.0/24")), IpamConfig.of(IpPrefix.parse("fd00:34::/64"))));
        Sandbox a = attach(c, "v6a", net, EndpointConfig.named("v6a"));
        Sandbox b = attach(c, "v6b", net, EndpointConfig.named("v6b").withIpv6("fd00:34::99"));
        assertThat(c.endpoints()).anyMatch(e -> e.addresses().contains(IpNet.parse("fd00:34::99/64")));
        assertTcp(a, b, "fd00:34::99");
        try (NetNs ns = fixture.open(a)) {
            assertThat(ip(ns, "-6", "route", "show", "default").get(0).get("gateway").asText()).isEqualTo("fd00:34::1");
        }
    }

    /**
     * The sandbox refuses IPv6 addresses, so the join fails after the driver made the veth pair,
     * while the controller configures the sandbox side: the rollback must take the pair away.
     */
    @Test
    void aJoinFailingAfterTheDriverJoinedIsRolledBack() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("rb6", "bridge").withIpv6(true)
                .withIpam(IpamConfig.of(IpPrefix.parse("10.36.0.0/24")), IpamConfig.of(IpPrefix.parse("fd00:36::/64"))));
        Sandbox s = c.createSandbox("no-ipv6");
        try (NetNs ns = fixture.open(s)) {
            ns.writeSysctl("net/ipv6/conf/default/disable_ipv6", "1"); // interfaces made here from now on
        }
        Endpoint e = c.createEndpoint("rb6", EndpointConfig.named("e"));
        List<String> hostLinksBefore = hostLinks();
        assertThatThrownBy(() -> c.join(e.id(), s.id())).hasMessageContaining("EACCES");
        assertThat(hostLinks()).isEqualTo(hostLinksBefore);
        assertThat(ip(fixture.host, "link", "show", "master", BridgeDriver.bridgeName(net))).isEmpty();
        try (NetNs ns = fixture.open(s)) {
            assertThat(ip(ns, "link", "show")).extracting(l -> l.get("ifname").asText()).containsExactly("lo");
        }
        assertThat(c.endpoint(e.id()).sandboxId()).isNull();
    }

    /** The driver's own join fails (the sandbox has the interface name already): the driver leaves nothing. */
    @Test
    void aJoinTheDriverRefusesLeavesNothingBehind() {
        NetworkController c = fixture.start(stateDir);
        c.createNetwork(NetworkConfig.of("rb", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.35.0.0/24"))));
        Sandbox s = c.createSandbox("clash");
        try (NetNs ns = fixture.open(s); NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("eth5", "eth5peer")); // the name the endpoint will ask for
        }
        Endpoint e = c.createEndpoint("rb", EndpointConfig.named("e").withInterfaceName("eth5"));
        List<String> hostLinksBefore = hostLinks();
        assertThatThrownBy(() -> c.join(e.id(), s.id())).hasMessage("sandbox clash already has an interface named eth5; give endpoint e another interface name");
        assertThat(hostLinks()).isEqualTo(hostLinksBefore);
        assertThat(c.endpoint(e.id()).sandboxId()).isNull();
    }

    @Test
    void badInputIsRefusedClearlyAndChangesNothing() {
        NetworkController c = fixture.start(stateDir);
        int before = c.networks(NetworkFilter.ALL).size();
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("bad name!", "bridge"))).hasMessageContaining("invalid network name \"bad name!\"");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("x", "warp"))).hasMessageContaining("unknown network driver \"warp\"");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("bridge", "bridge"))).hasMessage("network with name bridge already exists");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("overlap", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("172.17.5.0/24")))))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("mtu", "bridge").withOption("mtu", "9")))
                .hasMessageContaining("option mtu=9");
        assertThat(c.networks(NetworkFilter.ALL)).hasSize(before);
        // the failed "mtu" network gave its pool back: the next default pool is still 172.18.0.0/16
        assertThat(c.createNetwork(NetworkConfig.of("next", "bridge")).pools().get(0).subnet()).isEqualTo(IpPrefix.parse("172.18.0.0/16"));
    }

    private List<String> hostLinks() {
        List<String> names = new ArrayList<>();
        ip(fixture.host, "link", "show").forEach(l -> names.add(l.get("ifname").asText()));
        return names;
    }

    private static Sandbox attach(NetworkController c, String name, Network net, EndpointConfig ep) {
        Sandbox s = c.createSandbox(name);
        Endpoint e = c.createEndpoint(net.id(), ep);
        c.join(e.id(), s.id());
        return c.sandbox(s.id());
    }

    private void assertTcp(Sandbox client, Sandbox server, String serverIp) {
        var address = IpAddress.parse(serverIp).toInetAddress();
        try (NetNs c = fixture.open(client); NetNs s = fixture.open(server);
             Traffic.EchoServer echo = Traffic.echoServer(s, address, 7000)) {
            assertThat(Traffic.exchange(c, address, 7000, "ping " + serverIp, 5000)).isEqualTo("ping " + serverIp);
        }
    }
}
