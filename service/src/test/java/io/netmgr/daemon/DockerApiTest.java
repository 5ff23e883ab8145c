package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.testing.TestNamespaces;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Docker's networks API as dockerd answers it: versioned paths, shapes, status codes and messages. */
class DockerApiTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void pingAndVersionNegotiateTheApi() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("dping"))) {
            var ping = d.get("/_ping");
            assertThat(ping.status()).isEqualTo(200);
            assertThat(ping.text()).isEqualTo("OK");
            assertThat(ping.headers().get("api-version")).isEqualTo("1.47");
            assertThat(d.call("HEAD", "/_ping", null).headers().get("api-version")).isEqualTo("1.47");
            assertThat(d.get("/v1.47/version").json().path("ApiVersion").asText()).isEqualTo("1.47");
        }
    }

    @Test
    void networkLifecycleWithDockersShapesAndErrors() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("dnet"))) {
            var created = d.post("/v1.47/networks/create", "{\"Name\":\"front\",\"Driver\":\"bridge\",\"Internal\":true,"
                    + "\"IPAM\":{\"Driver\":\"default\",\"Config\":[{\"Subnet\":\"10.95.0.0/24\",\"Gateway\":\"10.95.0.254\"}]},"
                    + "\"Options\":{\"mtu\":\"1400\"},\"Labels\":{\"env\":\"t\"},\"SomethingNew\":1}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().path("Id").asText();
            assertThat(id).hasSize(64);
            assertThat(created.json().path("Warning").asText()).isEmpty();

            JsonNode n = d.get("/v1.47/networks/" + id.substring(0, 6)).json();
            assertThat(n.path("Name").asText()).isEqualTo("front");
            assertThat(n.path("Scope").asText()).isEqualTo("local");
            assertThat(n.path("Internal").asBoolean()).isTrue();
            assertThat(n.path("IPAM").path("Driver").asText()).isEqualTo("default");
            assertThat(n.path("IPAM").path("Config").get(0).path("Subnet").asText()).isEqualTo("10.95.0.0/24");
            assertThat(n.path("IPAM").path("Config").get(0).path("Gateway").asText()).isEqualTo("10.95.0.254");
            assertThat(n.path("Options").path("mtu").asText()).isEqualTo("1400");
            assertThat(n.path("Labels").path("env").asText()).isEqualTo("t");
            assertThat(n.path("Containers").isObject()).isTrue();

            assertError(d.post("/networks/create", "{\"Name\":\"front\"}"), 409, "network with name front already exists");
            assertError(d.post("/networks/create", "{\"Name\":\"f2\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.95.0.0/16\"}]}}"), 403,
                    "invalid pool request: Pool overlaps with other one on this address space (pool 10.95.0.0/16 overlaps with network"
                            + " front's pool 10.95.0.0/24; choose another --subnet)");
            assertError(d.post("/networks/create", "{\"Name\":\"f3\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.95.0/16\"}]}}"), 400, "10.95.0/16");
            assertError(d.delete("/v1.47/networks/bridge"), 403, "bridge is a pre-defined network and cannot be removed");
            assertError(d.get("/networks/nosuch"), 404, "network nosuch not found");
            assertError(d.get("/networks?filters=" + enc("{\"colour\":{\"red\":true}}")), 400, "invalid filter 'colour'");
            assertError(d.post("/networks/create", "{\"Name\":\"w\",\"Driver\":\"warp\"}"), 404, "plugin \"warp\" not found (unknown network driver");
            assertError(d.post("/networks/create", "{\"Name\":\"w\",\"IPAM\":{\"Driver\":\"dhcp\"}}"), 404, "plugin \"dhcp\" not found");
            // a scope is the driver's: one that differs is refused, never made the driver's silently
            assertError(d.post("/networks/create", "{\"Name\":\"w\",\"Scope\":\"swarm\"}"), 403,
                    "cannot create a swarm scoped network when swarm is not active: driver bridge makes networks of this host alone");
            assertError(d.post("/networks/create", "{\"Name\":\"w\",\"Driver\":\"bridge\",\"Scope\":\"global\"}"), 403,
                    "cannot create a global scoped network when swarm is not active: driver bridge makes networks of this host alone");
            assertError(d.post("/networks/create", "{\"Name\":\"w\",\"Driver\":\"overlay\",\"Scope\":\"local\"}"), 403,
                    "cannot downgrade network scope for overlay networks: they span the cluster's hosts");
            assertThat(d.get("/networks/w").status()).isEqualTo(404);
            // an overlay in swarm scope is refused by the overlay itself here: this netmgrd has no cluster store
            assertError(d.post("/networks/create", "{\"Name\":\"w\",\"Driver\":\"overlay\",\"Scope\":\"swarm\"}"), 400,
                    "network w: driver overlay makes networks that span hosts and needs a cluster store");
            // dockerd looks the container up first, so even an unknown network answers about the container
            assertError(d.post("/networks/nosuch/connect", "{\"Container\":\"ghost\"}"), 404, "No such container: ghost");
            assertError(d.post("/networks/front/disconnect", "{\"Container\":\"ghost\"}"), 404, "No such container: ghost");

            // connect a sandbox as docker connects a container
            d.post("/v1/sandboxes", "{\"name\":\"web\"}");
            var connect = d.post("/v1.47/networks/front/connect", "{\"Container\":\"web\",\"EndpointConfig\":{\"IPAMConfig\":{\"IPv4Address\":\"10.95.0.7\"}}}");
            assertThat(connect.status()).as(connect.text()).isEqualTo(200);
            JsonNode containers = d.get("/networks/front").json().path("Containers");
            String sandboxId = d.get("/v1/sandboxes/web").json().path("id").asText();
            assertThat(containers.path(sandboxId).path("Name").asText()).isEqualTo("web");
            assertThat(containers.path(sandboxId).path("IPv4Address").asText()).isEqualTo("10.95.0.7/24");
            assertThat(containers.path(sandboxId).path("MacAddress").asText()).isEqualTo("02:42:0a:5f:00:07");
            assertThat(containers.path(sandboxId).path("EndpointID").asText()).hasSize(64);
            assertError(d.post("/networks/front/connect", "{\"Container\":\"web\"}"), 403, "already exists in network front (sandbox web is already connected to it)");
            assertError(d.delete("/networks/front"), 403, "has active endpoints");
            assertThat(d.post("/networks/front/disconnect", "{\"Container\":\"web\"}").status()).isEqualTo(200);
            assertError(d.post("/networks/front/disconnect", "{\"Container\":\"web\"}"), 403,
                    "container " + sandboxId + " is not connected to network front");
            assertThat(d.get("/networks/front").json().path("Containers").isEmpty()).isTrue();
        }
    }

    @Test
    void ipRangeAuxiliaryAddressesAndFlagsRoundTripAndTheRangeIsHonoured() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("drange"))) {
            var created = d.post("/networks/create", "{\"Name\":\"ranged\",\"Attachable\":true,\"EnableIPv6\":true,"
                    + "\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":\"fd00:94::/64\"},"
                    + "{\"Subnet\":\"10.94.0.0/24\",\"IPRange\":\"10.94.0.128/25\",\"AuxiliaryAddresses\":{\"nas\":\"10.94.0.7\"}}]}}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            JsonNode n = d.get("/networks/ranged").json();
            assertThat(n.path("Attachable").asBoolean()).isTrue();
            assertThat(n.path("EnableIPv6").asBoolean()).isTrue();
            assertThat(n.path("IPAM").path("Options").isObject()).isTrue();
            JsonNode v4 = n.path("IPAM").path("Config").get(0); // IPv4 first, as dockerd lists them
            assertThat(v4.path("Subnet").asText()).isEqualTo("10.94.0.0/24");
            assertThat(v4.path("IPRange").asText()).isEqualTo("10.94.0.128/25");
            assertThat(v4.path("AuxiliaryAddresses").path("nas").asText()).isEqualTo("10.94.0.7");
            JsonNode v6 = n.path("IPAM").path("Config").get(1);
            assertThat(v6.path("Subnet").asText()).isEqualTo("fd00:94::/64");
            assertThat(v6.has("IPRange")).isFalse();
            assertThat(v6.has("AuxiliaryAddresses")).isFalse();
            assertThat(d.get("/v1/networks/ranged").json().path("pools").findValuesAsText("ipRange")).containsExactly("10.94.0.128/25");

            d.post("/v1/sandboxes", "{\"name\":\"r1\"}");
            assertThat(d.post("/networks/ranged/connect", "{\"Container\":\"r1\"}").status()).isEqualTo(200);
            String address = d.get("/networks/ranged").json().path("Containers").elements().next().path("IPv4Address").asText();
            assertThat(address).isEqualTo("10.94.0.128/24"); // the range's first address, not the subnet's

            assertThat(d.post("/networks/create", "{\"Name\":\"plain\"}").status()).isEqualTo(201);
            JsonNode plain = d.get("/networks/plain").json();
            assertThat(plain.path("Attachable").asBoolean()).isFalse();
            assertThat(plain.path("EnableIPv6").asBoolean()).isFalse();
            assertThat(plain.path("IPAM").path("Config").get(0).has("IPRange")).isFalse();
            assertThat(d.get("/networks/host").json().path("IPAM").path("Options").isNull()).isTrue();
        }
    }

    @Test
    void networkEventsAreDockersWithSinceUntilAndFilters() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("devents"))) {
            String since = epoch(Instant.now());
            String networkId = d.post("/networks/create", "{\"Name\":\"ev\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.93.0.0/24\"}]}}")
                    .json().path("Id").asText();
            String sandboxId = d.post("/v1/sandboxes", "{\"name\":\"evbox\"}").json().path("id").asText();
            assertThat(d.post("/networks/ev/connect", "{\"Container\":\"evbox\"}").status()).isEqualTo(200);
            assertThat(d.post("/networks/ev/disconnect", "{\"Container\":\"evbox\"}").status()).isEqualTo(200);
            assertThat(d.delete("/networks/ev").status()).isEqualTo(204);
            String until = epoch(Instant.now());

            // a window in the past: the kept events, then the stream ends
            var past = d.get("/v1.47/events?since=" + since + "&until=" + until + "&filters=" + enc("{\"type\":{\"network\":true}}"));
            assertThat(past.status()).isEqualTo(200);
            assertThat(past.headers().get("content-type")).isEqualTo("application/json");
            List<JsonNode> events = lines(past.text());
            assertThat(events).extracting(e -> e.path("Action").asText()).containsExactly("create", "connect", "disconnect", "destroy");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.path("Type").asText()).isEqualTo("network");
                assertThat(e.path("Actor").path("ID").asText()).isEqualTo(networkId);
                assertThat(e.path("Actor").path("Attributes").path("name").asText()).isEqualTo("ev");
                assertThat(e.path("Actor").path("Attributes").path("type").asText()).isEqualTo("bridge");
                assertThat(e.path("scope").asText()).isEqualTo("local");
                assertThat(e.path("timeNano").asLong() / 1_000_000_000L).isEqualTo(e.path("time").asLong());
            });
            assertThat(events.get(1).path("Actor").path("Attributes").path("container").asText()).isEqualTo(sandboxId);
            assertThat(events.get(0).path("Actor").path("Attributes").has("container")).isFalse();
            assertThat(lines(d.get("/events?since=" + since + "&until=" + until + "&filters=" + enc("{\"event\":[\"connect\"]}")).text()))
                    .extracting(e -> e.path("Action").asText()).containsExactly("connect");
            assertThat(d.get("/events?since=" + until + "&until=" + until).text()).isEmpty();

            // a window ending in the future: kept events, live ones, then the stream ends at until
            String soon = epoch(Instant.now().plusMillis(1500));
            var live = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = new Thread(() -> live.complete(d.get("/events?since=" + since + "&until=" + soon).text()));
            reader.start();
            Thread.sleep(300);
            d.post("/networks/create", "{\"Name\":\"late\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.93.1.0/24\"}]}}");
            assertThat(lines(live.get(10, java.util.concurrent.TimeUnit.SECONDS)))
                    .extracting(e -> e.path("Action").asText() + " " + e.path("Actor").path("Attributes").path("name").asText())
                    .containsExactly("create ev", "connect ev", "disconnect ev", "destroy ev", "create late");

            assertError(d.get("/events?since=yesterday"), 400, "invalid 'since'='yesterday'");
            assertError(d.get("/events?since=" + until + "&until=" + since), 400, "cannot be after `until` time");
            assertError(d.get("/events?filters=" + enc("{\"colour\":[\"red\"]}")), 400, "invalid filter 'colour'");
            // netmgr's own stream is the same one, with its own lines
            assertThat(lines(d.get("/v1/events?type=network&since=" + since + "&until=" + until).text()))
                    .extracting(e -> e.path("action").asText() + " " + e.path("name").asText())
                    .containsExactly("created ev", "removed ev");
        }
    }

    private static String epoch(Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    private static List<JsonNode> lines(String text) {
        return text.lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    @Test
    void listFiltersAndPruneAsDockerDoes() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("dls"))) {
            d.post("/networks/create", "{\"Name\":\"a1\",\"Labels\":{\"team\":\"x\"},\"IPAM\":{\"Config\":[{\"Subnet\":\"10.96.1.0/24\"}]}}");
            d.post("/networks/create", "{\"Name\":\"a2\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.96.2.0/24\"}]}}");
            d.post("/v1/sandboxes", "{\"name\":\"s\"}");
            d.post("/networks/a2/connect", "{\"Container\":\"s\"}");
            assertThat(names(d, "{\"name\":{\"a\":true}}")).containsExactly("a1", "a2");
            assertThat(names(d, "{\"label\":[\"team=x\"]}")).containsExactly("a1");
            assertThat(names(d, "{\"type\":{\"builtin\":true}}")).containsExactly("bridge", "host", "none");
            assertThat(names(d, "{\"driver\":{\"host\":true,\"none\":true}}")).containsExactly("host", "none");
            assertThat(names(d, "{\"dangling\":[\"true\"]}")).containsExactly("a1");
            JsonNode pruned = d.post("/v1.47/networks/prune?filters=" + enc("{\"label\":{\"team\":true}}"), "").json();
            assertThat(pruned.path("NetworksDeleted")).extracting(JsonNode::asText).containsExactly("a1");
            assertThat(d.post("/networks/prune", "").json().path("NetworksDeleted")).isEmpty(); // a2 is in use
        }
    }

    private static java.util.List<String> names(RunningDaemon d, String filters) {
        var r = d.get("/v1.47/networks?filters=" + enc(filters));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().findValuesAsText("Name");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void assertError(RunningDaemon.Reply r, int status, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().path("message").asText()).as(r.text()).contains(message);
    }
}
