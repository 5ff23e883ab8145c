package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.client.DaemonClient;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** netmgr's own API over a real unix socket, on a real controller in a namespace playing the host. */
class V1ApiTest {
    private static final int CLIENTS = 16;

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void networkSandboxEndpointLifecycleMakesRealLinksAndTraffic() throws Exception {
        NetNs host = netns.create("v1");
        try (RunningDaemon d = new RunningDaemon(host)) {
            List<JsonNode> events = new CopyOnWriteArrayList<>();
            Thread listener = new Thread(() -> {
                try {
                    DaemonClient.connect("unix://" + d.socket, java.util.Map.of()).stream("/v1/events", events::add);
                } catch (RuntimeException e) {
                    // the server closing ends the stream
                }
            });
            listener.setDaemon(true);
            listener.start();
            Thread.sleep(300);

            var net = d.post("/v1/networks", "{\"name\":\"front\",\"subnets\":[{\"subnet\":\"10.91.0.0/24\"}],\"labels\":{\"env\":\"t\"}}");
            assertThat(net.status()).as(net.text()).isEqualTo(201);
            String bridge = "nm-" + net.json().path("id").asText().substring(0, 12);
            assertThat(IpOracle.ip(host, "link", "show", bridge).get(0).path("ifname").asText()).isEqualTo(bridge);

            assertThat(d.post("/v1/sandboxes", "{\"name\":\"web\"}").status()).isEqualTo(201);
            assertThat(d.post("/v1/sandboxes", "{\"name\":\"client\"}").status()).isEqualTo(201);
            var web = d.post("/v1/endpoints", "{\"network\":\"front\",\"name\":\"web\",\"sandbox\":\"web\",\"ipv4\":\"10.91.0.10\"}");
            assertThat(web.status()).as(web.text()).isEqualTo(201);
            assertThat(web.json().path("addresses").get(0).asText()).isEqualTo("10.91.0.10/24");
            var client = d.post("/v1/endpoints", "{\"network\":\"front\",\"name\":\"client\",\"sandbox\":\"client\"}");
            assertThat(client.status()).isEqualTo(201);

            try (NetNs webNs = NetNs.openPath(java.nio.file.Path.of(d.get("/v1/sandboxes/web").json().path("namespacePath").asText()));
                 NetNs clientNs = NetNs.openPath(java.nio.file.Path.of(d.get("/v1/sandboxes/client").json().path("namespacePath").asText()));
                 var echo = Traffic.echoServer(webNs, IpAddress.parse("10.91.0.10").toInetAddress(), 8080)) {
                assertThat(Traffic.exchange(clientNs, IpAddress.parse("10.91.0.10").toInetAddress(), 8080, "hi", 3000)).isEqualTo("hi");
            }

            assertThat(d.get("/v1/endpoints?network=front").json()).hasSize(2);
            String webId = web.json().path("id").asText();
            assertThat(d.post("/v1/endpoints/" + webId.substring(0, 10) + "/leave", "").json().path("sandboxId").isNull()).isTrue();
            assertThat(d.post("/v1/endpoints/" + webId + "/join", "{\"sandbox\":\"web\"}").status()).isEqualTo(200);
            assertThat(d.delete("/v1/networks/front").status()).isEqualTo(403);
            assertThat(d.delete("/v1/endpoints/" + webId).status()).isEqualTo(204);
            assertThat(d.delete("/v1/sandboxes/client").status()).isEqualTo(204);
            for (JsonNode e : d.get("/v1/endpoints").json()) {
                assertThat(d.delete("/v1/endpoints/" + e.path("id").asText()).status()).isEqualTo(204);
            }
            assertThat(d.delete("/v1/networks/front").status()).isEqualTo(204);
            assertThat(IpOracle.ip(host, "link", "show").findValuesAsText("ifname")).doesNotContain(bridge);

            Thread.sleep(300);
            assertThat(events).extracting(e -> e.path("type").asText() + " " + e.path("action").asText())
                    .containsSubsequence("network created", "sandbox created", "endpoint created", "endpoint joined",
                            "endpoint left", "endpoint removed", "network removed");
            assertThat(events.get(0).path("name").asText()).isEqualTo("front");
        }
    }

    @Test
    void badInputIsA4xxNamingTheProblemAndChangesNothing() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("bad"))) {
            int before = d.get("/v1/networks").json().size();
            assertError(d.post("/v1/networks", "{\"name\":\"a\",\"subnet\":\"10.0.0.0/24\"}"), 400, "unknown field \"subnet\"");
            assertError(d.post("/v1/networks", "{\"name\":\"a\","), 400, "malformed JSON");
            assertError(d.post("/v1/networks", "[1,2]"), 400, "request body");
            assertError(d.post("/v1/networks", ""), 400, "request body is empty");
            assertError(d.post("/v1/networks", "{\"name\":\"a\",\"subnets\":[{\"subnet\":\"10.0.0.300/24\"}]}"), 400, "300 is not an IPv4 octet");
            assertError(d.post("/v1/networks", "{\"name\":\"a\",\"subnets\":[{\"subnet\":\"10.0.0.0/24\",\"gateway\":\"10.9.0.1\"}]}"), 400, "10.9.0.1");
            assertError(d.post("/v1/networks", "{\"name\":\"a;rm -rf /\"}"), 400, "invalid network name");
            assertError(d.post("/v1/networks", "{\"name\":\"$(reboot)\"}"), 400, "invalid network name");
            assertError(d.post("/v1/networks", "{\"name\":\"" + "a".repeat(1024 * 1024) + "\"}"), 413, "too large");
            assertError(d.post("/v1/networks", "{\"name\":\"a\",\"internal\":\"maybe\"}"), 400, "field \"internal\"");
            assertError(d.get("/v1/networks?colour=red"), 400, "unknown network filter \"colour\"");
            assertError(d.get("/v1/networks/nosuch"), 404, "network nosuch not found");
            assertError(d.delete("/v1/networks/bridge"), 403, "pre-defined");
            assertError(d.post("/v1/endpoints", "{\"network\":\"bridge\",\"name\":\"e\",\"ports\":[\"99999:80\"]}"), 400, "99999");
            assertError(d.post("/v1/endpoints", "{\"network\":\"bridge\",\"name\":\"e\",\"sandbox\":\"ghost\"}"), 404, "sandbox ghost not found");
            assertError(d.get("/v1/nothing"), 404, "page not found");
            assertError(d.call("PUT", "/v1/networks", "{}"), 405, "method not allowed");
            assertThat(d.post("/v1/networks", "{\"name\":\"ok\",\"subnets\":[{\"subnet\":\"10.92.0.0/24\"}]}").status()).isEqualTo(201);
            assertError(d.post("/v1/networks", "{\"name\":\"ok\"}"), 409, "network with name ok already exists");
            assertError(d.post("/v1/networks", "{\"name\":\"other\",\"subnets\":[{\"subnet\":\"10.92.0.0/16\"}]}"), 403, "overlaps");
            assertThat(d.get("/v1/networks").json().size()).isEqualTo(before + 1);
            assertThat(d.get("/v1/endpoints").json()).isEmpty();
            assertThat(d.get("/health").json().path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void servesOpenApiMetricsInfoAndDoctor() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("meta"))) {
            d.post("/v1/networks", "{\"name\":\"m\",\"subnets\":[{\"subnet\":\"10.93.0.0/24\"}]}");
            d.post("/v1/endpoints", "{\"network\":\"m\",\"name\":\"e1\"}");
            d.post("/v1/networks", "{\"name\":\"m\"}");
            JsonNode api = d.get("/v1/openapi.json").json();
            assertThat(api.path("openapi").asText()).startsWith("3.");
            assertThat(api.path("paths").fieldNames()).toIterable().contains("/v1/networks", "/v1/endpoints/{id}/join", "/v1/events", "/v1/nodes");
            assertError(d.get("/v1/nodes"), 503, "this host is not in a cluster: start netmgrd with --cluster-store");
            assertThat(d.get("/v1/info").json().path("cluster").isNull()).as("info's cluster on one host").isTrue();
            var metrics = d.get("/metrics");
            assertThat(metrics.headers().get("content-type")).startsWith("text/plain");
            assertThat(metrics.text())
                    .contains("netmgr_operation_seconds_count{operation=\"network.create\",outcome=\"ok\"} 1")
                    .contains("netmgr_operation_seconds_count{operation=\"network.create\",outcome=\"error\"} 1")
                    .contains("netmgr_operation_seconds_count{operation=\"endpoint.create\",outcome=\"ok\"} 1")
                    .contains("netmgr_network_endpoints{network=\"m\"} 1.0");
            assertThat(d.get("/v1/info").json().path("networks").asInt()).isEqualTo(4);
            JsonNode checks = d.get("/v1/system/doctor").json().path("checks");
            assertThat(checks.findValuesAsText("name")).containsExactly("nftables", "ip_forward", "bridge netfilter", "default pools");
            assertThat(checks.get(1).path("fix").asText()).contains("sysctl -w net.ipv4.ip_forward=1");
        }
    }

    private static void assertError(RunningDaemon.Reply r, int status, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().path("message").asText()).as(r.text()).contains(message);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Docker's rule that a container joins a network once, held when clients race for it: many
     * concurrent {@code POST /v1/endpoints} of one sandbox into one network leave exactly one
     * endpoint and one interface, and every other client gets a 409 saying why.
     */
    @Test
    void concurrentConnectsOfOneSandboxToOneNetworkLeaveOneEndpoint() throws Exception {
        NetNs host = netns.create("conc");
        try (RunningDaemon d = new RunningDaemon(host)) {
            assertThat(d.post("/v1/networks", "{\"name\":\"race\",\"subnets\":[{\"subnet\":\"10.93.0.0/24\"}]}").status()).isEqualTo(201);
            for (int round = 0; round < 3; round++) {
                String sandbox = "box" + round;
                assertThat(d.post("/v1/sandboxes", "{\"name\":\"" + sandbox + "\"}").status()).isEqualTo(201);
                List<RunningDaemon.Reply> replies = connectAtOnce(d, sandbox);

                List<RunningDaemon.Reply> created = replies.stream().filter(r -> r.status() == 201).toList();
                assertThat(created).as("answers: %s", replies.stream().map(r -> r.status() + " " + r.json().path("name").asText(
                        r.json().path("message").asText())).toList()).hasSize(1);
                String winner = created.get(0).json().path("name").asText();
                for (RunningDaemon.Reply r : replies) {
                    if (r.status() != 201) {
                        assertThat(r.status()).as(r.text()).isEqualTo(409);
                        assertThat(r.json().path("message").asText())
                                .isEqualTo("sandbox " + sandbox + " is already connected to network race by endpoint " + winner
                                        + ": a sandbox joins a network once; remove that endpoint first, or connect another sandbox");
                    }
                }
                JsonNode endpoints = d.get("/v1/endpoints?sandbox=" + sandbox).json();
                assertThat(endpoints).hasSize(1);
                // the kernel agrees: one interface besides lo in the sandbox, one port on the bridge per sandbox
                try (NetNs box = NetNs.openPath(Path.of(d.get("/v1/sandboxes/" + sandbox).json().path("namespacePath").asText()))) {
                    assertThat(IpOracle.ip(box, "link", "show").findValuesAsText("ifname")).hasSize(2).contains("lo");
                }
                assertThat(IpOracle.ip(host, "-d", "link", "show", "type", "veth").size()).isEqualTo(round + 1);
            }
        }
    }

    /**
     * The same rule through the other door: endpoints made without a sandbox, then joined to one
     * ({@code POST /v1/endpoints/{id}/join}) by clients racing, leave the sandbox one interface on
     * the network; every other join gets the 409, and so does a join after the race.
     */
    @Test
    void concurrentJoinsOfOneSandboxToOneNetworkLeaveOneInterface() throws Exception {
        NetNs host = netns.create("cjoin");
        try (RunningDaemon d = new RunningDaemon(host)) {
            assertThat(d.post("/v1/networks", "{\"name\":\"race\",\"subnets\":[{\"subnet\":\"10.94.0.0/24\"}]}").status()).isEqualTo(201);
            assertThat(d.post("/v1/sandboxes", "{\"name\":\"box\"}").status()).isEqualTo(201);
            List<String> ids = new ArrayList<>();
            for (int c = 0; c <= CLIENTS; c++) {
                var made = d.post("/v1/endpoints", "{\"network\":\"race\",\"name\":\"box-e" + c + "\"}");
                assertThat(made.status()).as(made.text()).isEqualTo(201);
                ids.add(made.json().path("id").asText());
            }
            List<RunningDaemon.Reply> replies = atOnce(c -> d.post("/v1/endpoints/" + ids.get(c) + "/join", "{\"sandbox\":\"box\"}"));

            List<RunningDaemon.Reply> joined = replies.stream().filter(r -> r.status() == 200).toList();
            assertThat(joined).as("answers: %s", replies.stream().map(RunningDaemon.Reply::text).toList()).hasSize(1);
            String winner = joined.get(0).json().path("name").asText();
            String refusal = "sandbox box is already connected to network race by endpoint " + winner
                    + ": a sandbox joins a network once; remove that endpoint first, or connect another sandbox";
            for (RunningDaemon.Reply r : replies) {
                if (r.status() != 200) {
                    assertThat(r.status()).as(r.text()).isEqualTo(409);
                    assertThat(r.json().path("message").asText()).isEqualTo(refusal);
                }
            }
            assertError(d.post("/v1/endpoints/" + ids.get(CLIENTS) + "/join", "{\"sandbox\":\"box\"}"), 409, refusal);
            assertThat(d.get("/v1/endpoints?sandbox=box").json()).hasSize(1);
            try (NetNs box = NetNs.openPath(Path.of(d.get("/v1/sandboxes/box").json().path("namespacePath").asText()))) {
                assertThat(IpOracle.ip(box, "link", "show").findValuesAsText("ifname")).hasSize(2).contains("lo");
            }
        }
    }

    /** {@value #CLIENTS} clients, each asking at the same moment for an endpoint of its own name joined to {@code sandbox}. */
    private static List<RunningDaemon.Reply> connectAtOnce(RunningDaemon d, String sandbox) throws Exception {
        return atOnce(c -> d.post("/v1/endpoints", "{\"network\":\"race\",\"name\":\"" + sandbox + "-e" + c
                + "\",\"sandbox\":\"" + sandbox + "\"}"));
    }

    /** One request per client, numbered 0 to {@value #CLIENTS} - 1, all sent at the same moment. */
    private static List<RunningDaemon.Reply> atOnce(IntFunction<RunningDaemon.Reply> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<RunningDaemon.Reply>> answers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                answers.add(pool.submit(() -> {
                    start.await();
                    return request.apply(client);
                }));
            }
            start.countDown();
            List<RunningDaemon.Reply> replies = new ArrayList<>();
            for (Future<RunningDaemon.Reply> f : answers) {
                replies.add(f.get());
            }
            return replies;
        } finally {
            pool.shutdown();
        }
    }
}
