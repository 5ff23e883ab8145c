package io.netmgr.dns;

import static io.netmgr.netlink.testing.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.EndpointMode;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.dns.testing.FakeUpstream;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver in real sandboxes (namespaces under /run/netns made by a controller bound to a
 * test namespace playing the host), asked by real clients through the sandbox's resolv.conf:
 * {@code dig} and glibc's {@code getent hosts}, run with {@code ip netns exec}. The upstream is a
 * fake resolver on the test host namespace's loopback, never the machine's.
 */
class ContainerDnsIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path stateDir;

    private NetNs host;
    private LmdbStore store;
    private NetlinkHandle routes;
    private NetworkController controller;
    private DefaultIpam ipam;
    private FakeUpstream upstream;
    private ContainerDns dns;

    @BeforeEach
    void start() {
        host = netns.create("dnshost");
        store = LmdbStore.open(stateDir.resolve("store"));
        routes = NetlinkHandle.open(host);
        ipam = new DefaultIpam(store, new HostRoutes(routes), DefaultPools.forThisHost());
        controller = new NetworkController(host, store, ipam, DriverRegistry.fromClassPath(), NetNs.DEFAULT_RUN_DIR);
        upstream = new FakeUpstream(host, Map.of("outside.example", ip("192.0.2.7")));
        dns = ContainerDns.start(store, host, DnsConfig.from(new HostResolvConf(List.of(), List.of()))
                .withUpstreams(List.of(upstream.address())).withUpstreamTimeout(Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        List<Path> files = new ArrayList<>();
        try {
            if (controller != null) {
                for (Sandbox s : controller.sandboxes()) {
                    files.add(resolvConf(s));
                    controller.deleteSandbox(s.id());
                }
            }
            if (dns != null) {
                waitFor("the sandboxes' resolv.conf files removed", () -> files.stream().noneMatch(Files::exists)); // removed with their sandboxes
            }
        } finally {
            if (dns != null) {
                dns.close();
            }
            if (upstream != null) {
                upstream.close();
            }
            if (controller != null) {
                controller.close();
                routes.close();
                store.close();
            }
        }
    }

    private Sandbox on(Network network, String name, String... aliases) {
        Sandbox s = controller.createSandbox(name);
        join(s, network, aliases);
        return s;
    }

    private Endpoint join(Sandbox s, Network network, String... aliases) {
        Endpoint e = controller.createEndpoint(network.id(), EndpointConfig.named(s.name() + "-" + network.name())
                .withAliases(List.of(aliases)));
        return controller.join(e.id(), s.id());
    }

    private String in(Sandbox s, String... command) {
        try (NetNs ns = NetNs.openPath(s.path())) {
            return IpOracle.exec(ns, command);
        }
    }

    private void served(Sandbox... sandboxes) {
        for (Sandbox s : sandboxes) {
            waitFor("the resolver serving sandbox " + s.name(), () -> dns.serves(s.id()) && Files.exists(resolvConf(s)));
        }
    }

    private static Path resolvConf(Sandbox s) {
        return NetNs.ETC_DIR.resolve(s.path().getFileName().toString()).resolve("resolv.conf");
    }

    private static String address(Endpoint e) {
        return e.ips().get(0).toString();
    }

    @Test
    void namesAndAliasesResolveInsideASandboxThroughItsResolvConf() throws Exception {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-front", "bridge"));
        Sandbox web = on(front, "dnsit-web");
        Sandbox db = on(front, "dnsit-db", "database", "pg");
        served(web, db);
        String dbAddress = address(controller.endpointsOn(front.id()).stream().filter(e -> db.id().equals(e.sandboxId()))
                .findFirst().orElseThrow());

        assertThat(Files.readAllLines(resolvConf(web))).contains("nameserver 127.0.0.11", "options ndots:0");
        assertThat(in(web, "dig", "+short", "+tries=3", "dnsit-db").strip()).isEqualTo(dbAddress);
        assertThat(in(web, "dig", "+short", "+tries=3", "database").strip()).isEqualTo(dbAddress);
        assertThat(in(web, "getent", "hosts", "pg")).startsWith(dbAddress + " ");
        assertThat(in(web, "getent", "hosts", "DNSIT-DB")).as("without case").startsWith(dbAddress + " ");
        assertThat(in(web, "dig", "+tries=3", "AAAA", "dnsit-db")).as("known name, no IPv6 address: empty, not NXDOMAIN")
                .contains("status: NOERROR").contains("ANSWER: 0");
    }

    @Test
    void aNameOnANetworkTheAskerIsNotOnIsNxdomain() {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-f2", "bridge"));
        Network back = controller.createNetwork(NetworkConfig.of("dnsit-b2", "bridge"));
        Sandbox web = on(front, "dnsit-web2");
        Sandbox db = on(back, "dnsit-db2", "store");
        Sandbox api = on(front, "dnsit-api2");
        join(api, back);
        served(web, db, api);

        assertThat(in(web, "dig", "+tries=3", "dnsit-db2")).contains("status: NXDOMAIN");
        assertThat(in(web, "dig", "+tries=3", "store")).contains("status: NXDOMAIN");
        assertThat(in(db, "dig", "+tries=3", "dnsit-web2")).contains("status: NXDOMAIN");
        assertThat(in(api, "dig", "+short", "+tries=3", "store").strip()).as("api shares back with db").isNotEmpty();
        assertThat(in(db, "dig", "+short", "+tries=3", "dnsit-api2").strip()).as("api's address on back")
                .startsWith(address(controller.endpointsOn(back.id()).stream().filter(e -> api.id().equals(e.sandboxId()))
                        .findFirst().orElseThrow()));
        assertThat(upstream.queries()).as("bare names never leave the host").isZero();
    }

    @Test
    void otherNamesAreForwardedToTheUpstream() {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-f3", "bridge"));
        Sandbox web = on(front, "dnsit-web3");
        served(web);

        assertThat(in(web, "dig", "+short", "+tries=3", "outside.example").strip()).isEqualTo("192.0.2.7");
        assertThat(in(web, "dig", "+short", "+tries=3", "+tcp", "outside.example").strip()).as("over TCP too")
                .isEqualTo("192.0.2.7");
        assertThat(in(web, "getent", "hosts", "outside.example")).startsWith("192.0.2.7 ");
        assertThat(in(web, "dig", "+tries=3", "missing.example")).contains("status: NXDOMAIN");
        assertThat(upstream.queries()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndWholeOverTcp() {
        Network crowd = controller.createNetwork(NetworkConfig.of("dnsit-crowd", "bridge"));
        Sandbox asker = on(crowd, "dnsit-asker");
        List<Sandbox> replicas = new ArrayList<>();
        for (int i = 0; i < 34; i++) { // 34 A records do not fit 512 bytes
            replicas.add(on(crowd, "dnsit-r" + i, "crowd"));
        }
        served(asker);

        String udpOnly = in(asker, "dig", "+ignore", "+noedns", "+tries=3", "crowd");
        assertThat(udpOnly).containsPattern("flags:[a-z ]* tc[ ;]").contains("ANSWER: 0");
        String fallback = in(asker, "dig", "+noedns", "+tries=3", "crowd"); // dig retries over TCP on TC
        assertThat(fallback).doesNotContainPattern("flags:[a-z ]* tc[ ;]").contains("ANSWER: 34").contains("(TCP)");
        assertThat(in(asker, "dig", "+short", "+tcp", "+tries=3", "crowd").strip().split("\n")).hasSize(34);
    }

    @Test
    void theResolverFollowsJoinsAndLeaves() {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-f5", "bridge"));
        Sandbox web = on(front, "dnsit-web5");
        served(web);
        assertThat(in(web, "dig", "+tries=3", "late")).contains("status: NXDOMAIN");

        Sandbox late = controller.createSandbox("dnsit-late5");
        Endpoint e = join(late, front, "late");
        waitFor("late resolved after its join", () -> in(web, "dig", "+short", "+tries=3", "late").strip().equals(address(e)));

        controller.leave(e.id());
        waitFor("late NXDOMAIN after its leave", () -> in(web, "dig", "+tries=3", "late").contains("status: NXDOMAIN"));
        waitFor("no resolver left in the sandbox that left", () -> !dns.serves(late.id()) && !Files.exists(resolvConf(late)));
    }

    @Test
    void aSandboxWhosePort53IsTakenGetsTheResolverOnceItIsFree() throws Exception {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-f7", "bridge"));
        Sandbox busy = controller.createSandbox("dnsit-busy7");
        try (NetNs ns = NetNs.openPath(busy.path());
             ServerSocketChannel squatter = ns.call(() -> ServerSocketChannel.open().bind(DnsConfig.DOCKER_ADDRESS))) {
            join(busy, front);
            Sandbox web = on(front, "dnsit-web7");
            served(web);
            assertThat(dns.serves(busy.id())).as("TCP 127.0.0.11:53 is taken there").isFalse();

            squatter.close();
            served(busy); // tried again every second
            assertThat(in(busy, "dig", "+short", "+tries=3", "dnsit-web7").strip()).isNotEmpty();
        }
    }

    @Test
    void aSandboxWhoseLoopbackComesUpAfterTheJoinIsAnsweredThen() {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-f8", "bridge"));
        Sandbox late = controller.createSandbox("dnsit-lo8");
        try (NetNs ns = NetNs.openPath(late.path())) {
            IpOracle.ipDo(ns, "link", "set", "lo", "down"); // as a runtime that brings it up after the ADD
            join(late, front);
            Sandbox web = on(front, "dnsit-web8");
            served(web);

            IpOracle.ipDo(ns, "link", "set", "lo", "up");
            served(late);
            assertThat(in(late, "dig", "+short", "+tries=3", "dnsit-web8").strip()).isNotEmpty();
        }
    }

    /** A dnsrr service needs no firewall; the VIP case runs through netmgrd in the tests module (DnsThroughDaemonIT). */
    @Test
    void aDnsrrServiceNameAndTasksNameAnswerEveryBackend() {
        Network front = controller.createNetwork(NetworkConfig.of("dnsit-f6", "bridge"));
        Sandbox client = on(front, "dnsit-client6");
        Sandbox task1 = on(front, "dnsit-task1");
        Sandbox task2 = on(front, "dnsit-task2");
        ServiceController services = new ServiceController(controller, new ServiceStore(store), ipam);
        Service rr = services.create(ServiceSpec.of("dnsit-rr", front.name()).withEndpointMode(EndpointMode.DNSRR));
        services.attach(rr.id(), task1.id());
        services.attach(rr.id(), task2.id());
        served(client);
        List<String> taskAddresses = controller.endpointsOn(front.id()).stream()
                .filter(e -> task1.id().equals(e.sandboxId()) || task2.id().equals(e.sandboxId())).map(ContainerDnsIT::address).toList();

        waitFor("both backends in dnsit-rr", () -> lines(in(client, "dig", "+short", "+tries=3", "dnsit-rr")).size() == 2);
        assertThat(lines(in(client, "dig", "+short", "+tries=3", "dnsit-rr"))).containsExactlyInAnyOrderElementsOf(taskAddresses);
        assertThat(lines(in(client, "dig", "+short", "+tries=3", "tasks.dnsit-rr"))).containsExactlyInAnyOrderElementsOf(taskAddresses);
        assertThat(in(client, "getent", "hosts", "tasks.dnsit-rr")).containsAnyOf(taskAddresses.toArray(String[]::new));

        services.detach(rr.id(), task2.id());
        waitFor("one backend in dnsit-rr after the detach", () -> lines(in(client, "dig", "+short", "+tries=3", "dnsit-rr")).size() == 1);
        services.remove(rr.id());
        waitFor("dnsit-rr NXDOMAIN after its removal", () -> in(client, "dig", "+tries=3", "dnsit-rr").contains("status: NXDOMAIN"));
        assertThat(in(client, "dig", "+tries=3", "tasks.dnsit-rr")).as("forwarded now, and unknown upstream").contains("status: NXDOMAIN");
    }

    private static List<String> lines(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
