package io.netmgr.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overlay networks on the real kernel: hosts are namespaces on one underlay bridge (see
 * {@link OverlayHosts}), each with its own controller, all sharing one cluster store. Checked
 * through independent views ({@code bridge -j fdb}, {@code ip -j}, {@code nft} counters in the
 * underlay) and real TCP and UDP between sandboxes on different hosts.
 */
class OverlayIT {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @RegisterExtension
    final OverlayHosts cluster = new OverlayHosts();

    @Test
    void sandboxesOnDifferentHostsExchangeTcpAndUdp() throws Exception {
        TwoHosts t = twoHostsOn("ov1", "10.77.0.0/24");
        OverlayHosts.Host a = t.a(), b = t.b();
        Network net = t.net();
        Joined onA = t.onA(), onB = t.onB();
        assertThat(b.controller.network("ov1").id()).as("the same network, by the same id, on every host").isEqualTo(net.id());
        InetAddress aIp = onA.endpoint.ips().get(0).toInetAddress();
        assertThat(onA.endpoint.ips().get(0)).isNotEqualTo(onB.endpoint.ips().get(0));

        try (Traffic.EchoServer server = Traffic.echoServer(onA.ns, aIp, 7000)) {
            assertThat(Traffic.exchange(onB.ns, aIp, server.port(), "over vxlan", 10_000)).isEqualTo("over vxlan");
        }
        assertThat(udpExchange(onB.ns, onA.ns, aIp, 7001, "datagram over vxlan")).isEqualTo("datagram over vxlan");

        JsonNode vxlan = IpOracle.ip(b.ns, "-d", "link", "show", OverlayDataPlane.vxlanName(net.id())).get(0);
        JsonNode info = vxlan.get("linkinfo").get("info_data");
        assertThat(info.get("id").asInt()).isEqualTo(Integer.parseInt(net.option(OverlayOptions.VNI).orElseThrow()));
        assertThat(info.path("learning").asBoolean(true)).isFalse();
        assertThat(info.path("proxy").asBoolean(false)).isTrue();
        assertThat(info.get("port").asInt()).isEqualTo(4789);
        assertThat(info.get("local").asText()).isEqualTo(b.address.toString());
        assertThat(vxlan.get("mtu").asInt()).as("underlay MTU 1500 less 50").isEqualTo(1450);
    }

    @Test
    void arpForARemoteContainerIsAnsweredWithoutABroadcastOnTheUnderlay() throws Exception {
        TwoHosts t = twoHostsOn("ov2", "10.78.0.0/24");
        OverlayHosts.Host a = t.a(), b = t.b();
        Network net = t.net();
        Joined onA = t.onA(), onB = t.onB();
        // counters in the underlay: every VXLAN packet, and those carrying ARP or an inner broadcast
        IpOracle.exec(cluster.underlay, "nft", "add table bridge nmcount; "
                + "add chain bridge nmcount counted { type filter hook forward priority 0; }; "
                + "add rule bridge nmcount counted udp dport 4789 counter; "
                + "add rule bridge nmcount counted udp dport 4789 @th,224,16 0x0806 counter; "
                + "add rule bridge nmcount counted udp dport 4789 @th,128,48 0xffffffffffff counter");

        InetAddress aIp = onA.endpoint.ips().get(0).toInetAddress();
        try (Traffic.EchoServer server = Traffic.echoServer(onA.ns, aIp, 7002)) {
            assertThat(Traffic.exchange(onB.ns, aIp, server.port(), "hello", 10_000)).isEqualTo("hello");
        }
        JsonNode neighbour = IpOracle.ip(onB.ns, "neigh", "show", aIp.getHostAddress()).get(0);
        assertThat(neighbour.get("lladdr").asText()).as("b1 resolved a1's MAC").isEqualTo(onA.endpoint.mac());
        List<Long> packets = counters();
        assertThat(packets.get(0)).as("the exchange crossed the underlay in VXLAN").isPositive();
        assertThat(packets.get(1)).as("no ARP inside VXLAN").isZero();
        assertThat(packets.get(2)).as("no broadcast inside VXLAN").isZero();
    }

    @Test
    void removalPropagatesAndTheLastEndpointTakesTheDataPlaneWithIt() {
        OverlayHosts.Host a = cluster.add();
        OverlayHosts.Host b = cluster.add();
        Network net = a.controller.createNetwork(overlay("ov3", "10.79.0.0/24"));
        assertThat(IpOracle.ip(a.ns, "link").toString()).as("a host joins lazily").doesNotContain(OverlayDataPlane.vxlanName(net.id()));
        Joined onA = join(a, net, "a1");
        join(b, net, "b1");
        awaitFdb(b, net, onA.endpoint.mac(), a.address.toString());

        a.controller.deleteSandbox(onA.sandbox.id());
        await(() -> fdbEntries(b, net).stream().noneMatch(e -> e.get("mac").asText().equals(onA.endpoint.mac())),
                "a1's FDB entry gone on host b");
        await(() -> IpOracle.ip(b.ns, "neigh", "show", "dev", OverlayDataPlane.vxlanName(net.id())).toString()
                .indexOf(onA.endpoint.ips().get(0).toString()) < 0, "a1's neighbour entry gone on host b");
        assertThat(IpOracle.ip(a.ns, "link").toString()).as("host a's last endpoint took bridge and vxlan")
                .doesNotContain(OverlayDataPlane.vxlanName(net.id())).doesNotContain(OverlayDataPlane.bridgeName(net));
        assertThatThrownBy(() -> a.controller.deleteNetwork("ov3")).hasMessageContaining("has active endpoints on host(s) host-2 (198.51.100.2)");
        b.controller.deleteSandbox("b1");
        String vni = net.option(OverlayOptions.VNI).orElseThrow();
        a.controller.deleteNetwork("ov3");
        assertThat(IpOracle.ip(b.ns, "link").toString()).doesNotContain(OverlayDataPlane.vxlanName(net.id()));
        assertThat(b.controller.createNetwork(overlay("ov3b", "10.79.0.0/24").withOption(OverlayOptions.VNI, vni)).option(OverlayOptions.VNI))
                .as("the VNI and subnet are free again").contains(vni);
    }

    @Test
    void aRestartedHostReprogramsItsDataPlaneFromTheStoreWithoutDisturbingTheOthers() {
        TwoHosts t = twoHostsOn("ov4", "10.80.0.0/24");
        OverlayHosts.Host a = t.a(), b = t.b();
        Network net = t.net();
        Joined onA = t.onA(), onB = t.onB();

        b.stop();
        String vxlan = OverlayDataPlane.vxlanName(net.id());
        IpOracle.exec(b.ns, "bridge", "fdb", "del", onA.endpoint.mac(), "dev", vxlan, "dst", a.address.toString(), "self");
        IpOracle.exec(b.ns, "ip", "neigh", "flush", "dev", vxlan);
        assertThat(fdbEntries(b, net)).as("b's entries lost while it was down").noneMatch(e -> e.get("mac").asText().equals(onA.endpoint.mac()));

        b.start();
        awaitFdb(b, net, onA.endpoint.mac(), a.address.toString());
        assertThat(IpOracle.ip(b.ns, "neigh", "show", "dev", vxlan).toString()).contains(onA.endpoint.ips().get(0).toString());
        assertThat(fdbEntries(a, net)).as("host a untouched").anyMatch(e -> e.get("mac").asText().equals(onB.endpoint.mac()));
        InetAddress aIp = onA.endpoint.ips().get(0).toInetAddress();
        try (Traffic.EchoServer server = Traffic.echoServer(onA.ns, aIp, 7003)) {
            assertThat(Traffic.exchange(onB.ns, aIp, server.port(), "again", 10_000)).isEqualTo("again");
        }
    }

    @Test
    void aDataPlaneLeftByAProcessKilledBeforeItsJoinWasStoredIsRemovedAtStart() {
        OverlayHosts.Host a = cluster.add();
        Network net = a.controller.createNetwork(overlay("ov8", "10.84.0.0/24"));
        a.stop();
        // what a join killed after making the links and before its commit leaves behind
        String bridge = OverlayDataPlane.bridgeName(net);
        String vxlan = OverlayDataPlane.vxlanName(net.id());
        IpOracle.ipDo(a.ns, "link", "add", bridge, "type", "bridge");
        IpOracle.ipDo(a.ns, "link", "add", vxlan, "master", bridge, "type", "vxlan", "id",
                net.option(OverlayOptions.VNI).orElseThrow(), "dstport", "4789", "nolearning");

        a.start();
        assertThat(a.controller.startupRepairs()).anyMatch(line -> line.contains("removed the overlay data plane of network ov8"));
        assertThat(IpOracle.ip(a.ns, "link").toString()).doesNotContain(bridge).doesNotContain(vxlan);
    }

    @Test
    void aDeadHostsPeersVanishElsewhereWhenItsLeaseExpires() {
        OverlayHosts.Host a = cluster.add();
        OverlayHosts.Host b = cluster.add();
        Network net = a.controller.createNetwork(overlay("ov5", "10.81.0.0/24"));
        Joined onA = join(a, net, "a1");
        join(b, net, "b1");
        awaitFdb(b, net, onA.endpoint.mac(), a.address.toString());

        a.die();
        await(() -> fdbEntries(b, net).stream().noneMatch(e -> e.get("mac").asText().equals(onA.endpoint.mac())),
                "the dead host's endpoint gone from host b's FDB");
        await(() -> !IpOracle.ip(b.ns, "neigh", "show", "dev", OverlayDataPlane.vxlanName(net.id())).toString()
                .contains(onA.endpoint.ips().get(0).toString()), "and its neighbour entry");

        a.start(); // back after its lease expired: a new lease, under which it publishes its endpoints again
        awaitFdb(b, net, onA.endpoint.mac(), a.address.toString());
    }

    @Test
    void aDeadHostsAddressesAreFreeAgainWhenItsLeaseExpiresAndOneTakenMeanwhileIsWithdrawnWhenItReturns() {
        TwoHosts t = twoHostsOn("ov7", "10.83.0.0/24");
        OverlayHosts.Host a = t.a(), b = t.b();
        Network net = t.net();
        Joined lost = t.onA();
        Joined kept = join(a, net, "a2");
        awaitFdb(b, net, kept.endpoint.mac(), a.address.toString());
        String address = lost.endpoint.ips().get(0).toString();
        assertThatThrownBy(() -> b.controller.createEndpoint(net.id(), EndpointConfig.named("b2").withIpv4(address)))
                .as("held by host a's endpoint while a lives").hasMessageContaining(address);
        assertThatThrownBy(() -> b.controller.deleteNetwork("ov7")).hasMessageContaining("(" + a.address + ")");

        a.die(); // its containers keep running
        await(() -> fdbEntries(b, net).stream().noneMatch(e -> e.path("dst").asText().equals(a.address.toString())),
                "the dead host's endpoints gone from host b's FDB");

        // its address is free again on host b, and b's network rm no longer names host a
        Joined thief = joinWith(b, net, "b2", EndpointConfig.named("b2").withIpv4(address));
        assertThat(thief.endpoint.ips().get(0).toString()).isEqualTo(address);
        assertThatThrownBy(() -> b.controller.deleteNetwork("ov7")).hasMessageContaining("(" + b.address + ")")
                .hasMessageNotContaining("(" + a.address + ")");

        // host a comes back: a2 is its own again (its entry reaches b), a1's address is b1's, so a1 is withdrawn from a
        a.start();
        awaitFdb(b, net, kept.endpoint.mac(), a.address.toString());
        assertThat(a.controller.endpoints()).extracting(Endpoint::name).containsExactly("a2");
        assertThat(IpOracle.ip(lost.ns, "addr").toString()).as("a1's interface gone from its sandbox on a")
                .doesNotContain(address);
        assertThat(fdbEntries(b, net)).as("a1 never comes back to b's data plane")
                .noneMatch(e -> e.get("mac").asText().equals(lost.endpoint.mac()));
        assertThat(b.controller.endpoint(thief.endpoint.id()).ips().get(0).toString()).isEqualTo(address);
        awaitFdb(a, net, thief.endpoint.mac(), b.address.toString());
    }

    @Test
    void containersLeaveThroughTheirOwnHostMasqueradedAndPublishedPortsAnswerThere() throws Exception {
        OverlayHosts.Host a = cluster.add();
        cluster.add();
        Network net = a.controller.createNetwork(overlay("ov7", "10.83.0.0/24"));
        Sandbox s = a.controller.createSandbox("web");
        Endpoint e = a.controller.join(a.controller.createEndpoint(net.id(), EndpointConfig.named("web").withPorts("8080:80")).id(), s.id());
        NetNs web = a.open(s);

        // egress: the outside sees host a's underlay address, not the container's
        InetAddress outside = InetAddress.getByName(OverlayHosts.OUTSIDE);
        java.net.ServerSocket server = cluster.underlay.call(() -> new java.net.ServerSocket(7100, 1, outside));
        try (server) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket peer = server.accept()) {
                    return peer.getInetAddress().getHostAddress();
                } catch (java.io.IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            });
            web.run(() -> {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new InetSocketAddress(outside, 7100), 10_000);
                } catch (java.io.IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            });
            assertThat(seen.get(15, TimeUnit.SECONDS)).isEqualTo(a.address.toString());
        }

        // -p 8080:80 answers on host a's address
        try (Traffic.EchoServer echo = Traffic.echoServer(web, e.ips().get(0).toInetAddress(), 80)) {
            assertThat(Traffic.exchange(cluster.underlay, a.address.toInetAddress(), 8080, "published", 10_000)).isEqualTo("published");
        }
    }

    @Test
    void threeHostsAllocatingAtOnceGetDistinctAddresses() throws Exception {
        OverlayHosts.Host a = cluster.add();
        OverlayHosts.Host b = cluster.add();
        OverlayHosts.Host c = cluster.add();
        a.controller.createNetwork(overlay("ov6", "10.82.0.0/22"));
        List<CompletableFuture<List<String>>> runs = new ArrayList<>();
        for (OverlayHosts.Host h : List.of(a, b, c)) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                List<String> ips = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    ips.add(h.controller.createEndpoint("ov6", EndpointConfig.named(h.name + "-e" + i)).ips().get(0).toString());
                }
                return ips;
            }));
        }
        List<String> all = new ArrayList<>();
        for (CompletableFuture<List<String>> run : runs) {
            all.addAll(run.get(120, TimeUnit.SECONDS));
        }
        assertThat(all).hasSize(150).doesNotHaveDuplicates();
        assertThat(a.controller.endpointsOn(a.controller.network("ov6").id())).as("a host lists its own endpoints").hasSize(50);
    }

    // ---- helpers

    /** Hosts a and b, each with a sandbox on overlay network {@code name}, each seeing the other's entries. */
    record TwoHosts(OverlayHosts.Host a, OverlayHosts.Host b, Network net, Joined onA, Joined onB) {
    }

    private TwoHosts twoHostsOn(String name, String subnet) {
        OverlayHosts.Host a = cluster.add();
        OverlayHosts.Host b = cluster.add();
        Network net = a.controller.createNetwork(overlay(name, subnet));
        Joined onA = join(a, net, "a1");
        Joined onB = join(b, net, "b1");
        awaitFdb(b, net, onA.endpoint.mac(), a.address.toString());
        awaitFdb(a, net, onB.endpoint.mac(), b.address.toString());
        return new TwoHosts(a, b, net, onA, onB);
    }

    record Joined(Sandbox sandbox, Endpoint endpoint, NetNs ns) {
    }

    private static NetworkConfig overlay(String name, String subnet) {
        return NetworkConfig.of(name, OverlayDriver.NAME).withIpam(IpamConfig.of(IpPrefix.parse(subnet)));
    }

    private static Joined join(OverlayHosts.Host host, Network net, String name) {
        return joinWith(host, net, name, EndpointConfig.named(name));
    }

    private static Joined joinWith(OverlayHosts.Host host, Network net, String name, EndpointConfig config) {
        Sandbox s = host.controller.createSandbox(name);
        Endpoint e = host.controller.createEndpoint(net.id(), config);
        Endpoint joined = host.controller.join(e.id(), s.id());
        return new Joined(s, joined, host.open(s));
    }

    private static List<JsonNode> fdbEntries(OverlayHosts.Host host, Network net) {
        String vxlan = OverlayDataPlane.vxlanName(net.id());
        if (!IpOracle.ip(host.ns, "link").toString().contains(vxlan)) {
            return List.of();
        }
        List<JsonNode> entries = new ArrayList<>();
        IpOracle.bridge(host.ns, "fdb", "show", "dev", vxlan).forEach(entries::add);
        return entries;
    }

    private static void awaitFdb(OverlayHosts.Host host, Network net, String mac, String dst) {
        await(() -> fdbEntries(host, net).stream().anyMatch(e -> e.get("mac").asText().equals(mac)
                && e.path("dst").asText().equals(dst)), "FDB entry " + mac + " -> " + dst + " on " + host.name);
    }

    private static void await(BooleanSupplier condition, String what) {
        Eventually.waitFor(what, java.time.Duration.ofNanos(DEADLINE_NANOS), condition);
    }

    /** Sends one datagram from {@code client} to a receiver in {@code server} and returns what arrived there. */
    private static String udpExchange(NetNs client, NetNs server, InetAddress address, int port, String message) throws Exception {
        DatagramSocket receiver = server.call(() -> new DatagramSocket(new InetSocketAddress(address, port)));
        try (receiver) {
            receiver.setSoTimeout(10_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                    receiver.receive(p);
                    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            client.run(() -> {
                try (DatagramSocket sender = new DatagramSocket()) {
                    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                    sender.send(new DatagramPacket(bytes, bytes.length, address, port));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return received.get(15, TimeUnit.SECONDS);
        }
    }

    private List<Long> counters() {
        JsonNode rules;
        try {
            rules = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    IpOracle.exec(cluster.underlay, "nft", "-j", "list", "chain", "bridge", "nmcount", "counted"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Long> packets = new ArrayList<>();
        for (JsonNode item : rules.get("nftables")) {
            JsonNode rule = item.get("rule");
            if (rule != null) {
                for (JsonNode expr : rule.get("expr")) {
                    if (expr.has("counter")) {
                        packets.add(expr.get("counter").get("packets").asLong());
                    }
                }
            }
        }
        return packets;
    }
}
