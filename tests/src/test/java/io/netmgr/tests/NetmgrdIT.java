package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * netmgrd and the netmgr CLI as built, driven as a user would: a test namespace plays the host,
 * two sandboxes talk over a bridge network, the daemon is stopped with SIGTERM and started again
 * while a TCP connection between the sandboxes keeps working.
 */
class NetmgrdIT extends DaemonOnTestHost {
    private static final Path NETMGR = Distribution.HOME.resolve("bin/netmgr");

    @Test
    void cliDrivesTheDaemonAndTrafficSurvivesARestart() throws Exception {
        NetNs host = netns.create("nmd");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            System.out.printf("netmgrd ready in %d ms after launch%n", daemon.readyMillis);
            var created = cli(daemon, "network", "create", "--subnet", "10.97.0.0/24", "--label", "env=it", "front");
            assertThat(created.exit()).as(created.err()).isZero();
            String networkId = created.out().trim();
            assertThat(networkId).hasSize(64);
            assertThat(IpOracle.ip(host, "link", "show", "nm-" + networkId.substring(0, 12)).get(0).path("operstate").asText())
                    .isIn("UP", "UNKNOWN", "DOWN");

            assertThat(cli(daemon, "network", "ls", "-f", "label=env=it", "--format", "{{.Name}} {{.Driver}}").out()).isEqualTo("front bridge\n");
            assertThat(cli(daemon, "network", "ls").out()).contains("NETWORK ID").contains("front").contains("10.97.0.0/24");
            for (String s : List.of("web", "client")) {
                assertThat(cli(daemon, "sandbox", "create", s).exit()).isZero();
                sandboxNamespaces.add(inspect(daemon, "sandbox", s).path("namespacePath").asText());
            }
            assertThat(cli(daemon, "network", "connect", "--ip", "10.97.0.10", "front", "web").exit()).isZero();
            assertThat(cli(daemon, "network", "connect", "front", "client").exit()).isZero();
            assertThat(cli(daemon, "sandbox", "ls", "-q").out().lines()).hasSize(2);

            var exec = cli(daemon, "sandbox", "exec", "web", "ip", "-4", "-o", "addr", "show", "eth0");
            assertThat(exec.exit()).as(exec.err()).isZero();
            assertThat(exec.out()).contains("10.97.0.10/24");
            assertThat(cli(daemon, "sandbox", "exec", "web", "sh", "-c", "exit 3").exit()).isEqualTo(3);

            InetAddress web = IpAddress.parse("10.97.0.10").toInetAddress();
            try (NetNs webNs = NetNs.openPath(Path.of(sandboxNamespaces.get(0)));
                 NetNs clientNs = NetNs.openPath(Path.of(sandboxNamespaces.get(1)));
                 var echo = Traffic.echoServer(webNs, web, 7000); // serves one connection at a time: the live one
                 var fresh = Traffic.echoServer(webNs, web, 7001); // for new connections
                 Socket live = clientNs.call(() -> {
                     Socket s = new Socket();
                     s.connect(new InetSocketAddress(web, 7000), 3000);
                     s.setSoTimeout(3000);
                     return s;
                 })) {
                assertThat(roundTrip(live, "before")).isEqualTo("before");

                assertThat(daemon.stop()).isIn(0, 143);
                assertThat(roundTrip(live, "while stopped")).isEqualTo("while stopped");
                assertThat(Traffic.exchange(clientNs, web, 7001, "new connection while stopped", 3000)).isEqualTo("new connection while stopped");

                daemon.start();
                assertThat(roundTrip(live, "after restart")).isEqualTo("after restart");
                assertThat(Traffic.exchange(clientNs, web, 7001, "new connection", 3000)).isEqualTo("new connection");
            }
            assertThat(inspect(daemon, "network", "front").path("name").asText()).isEqualTo("front");

            var busy = cli(daemon, "network", "rm", "front");
            assertThat(busy.exit()).isEqualTo(1);
            assertThat(busy.err()).contains("has active endpoints");
            assertThat(cli(daemon, "network", "disconnect", "front", "web").exit()).isZero();
            assertThat(cli(daemon, "sandbox", "rm", "web", "client").exit()).isZero();
            assertThat(cli(daemon, "network", "prune").out()).contains("front");
            assertThat(IpOracle.ip(host, "link", "show").findValuesAsText("ifname")).doesNotContain("nm-" + networkId.substring(0, 12));
            for (String ns : sandboxNamespaces.all()) {
                assertThat(Path.of(ns)).doesNotExist();
            }
        }
    }

    @Test
    void errorsAreOneLineWithExitCodes() throws Exception {
        NetNs host = netns.create("nmerr");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            var bad = cli(daemon, "network", "create", "--subnet", "10.0.0.300/24", "x");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).isEqualTo("netmgr: bad subnets[0] subnet \"10.0.0.300/24\": 300 is not an IPv4 octet (0-255)\n");
            assertThat(cli(daemon, "network", "create", "a;b").err()).contains("invalid network name");
            assertThat(cli(daemon, "network", "inspect", "nosuch").err()).isEqualTo("netmgr: network nosuch not found\n");
            assertThat(cli(daemon, "network", "frobnicate").exit()).isEqualTo(2);
            assertThat(cli(daemon, "network", "ls", "--format", "{{if .Name}}x{{end}}").exit()).isEqualTo(2);
            var none = Distribution.run(NETMGR, Map.of("NETMGR_HOST", "unix://" + dir.resolve("nobody.sock")), "network", "ls");
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("cannot talk to netmgrd at unix://").contains("is netmgrd running?");
            // the daemon still serves
            assertThat(cli(daemon, "system", "info", "--format", "{{.Networks}}").out().trim()).isEqualTo("3");
            var doctor = cli(daemon, "system", "doctor");
            assertThat(doctor.out()).contains("ip_forward").contains("default pools");
        }
    }

    @Test
    void badInputThroughTheApiAndTheCliIsA4xxThatChangesNothing() throws Exception {
        NetNs host = netns.create("nmbad");
        Path marker = dir.resolve("shell-ran");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            assertThat(cli(daemon, "network", "create", "--subnet", "10.99.0.0/24", "kept").exit()).isZero();
            String before = state(daemon, host);
            Path big = dir.resolve("big.json");
            Files.writeString(big, "{\"name\":\"" + "a".repeat(1024 * 1024) + "\"}");

            // netmgr's own API: strict bodies
            assertRefused(curl(daemon, "POST", "/v1/networks", "{\"name\":\"x\","), 400, "malformed JSON in request body at line 1");
            assertRefused(curl(daemon, "POST", "/v1/networks", "{\"name\":\"x\",\"subnet\":\"10.1.0.0/24\"}"), 400,
                    "unknown field \"subnet\" in request body; known fields: ");
            assertRefused(curl(daemon, "POST", "/v1/networks", "{\"name\":\"x\",\"subnets\":[{\"subnet\":\"10.1.0.0/33\"}]}"), 400,
                    "subnets[0] subnet \"10.1.0.0/33\"");
            assertRefused(curl(daemon, "POST", "/v1/networks", "{\"name\":\"x;touch " + marker + "\"}"), 400, "invalid network name");
            assertRefused(curl(daemon, "POST", "/v1/sandboxes", "{\"name\":\"$(touch " + marker + ")\"}"), 400, "invalid sandbox name");
            assertRefused(curl(daemon, "POST", "/v1/networks", "@" + big), 413, "request body too large: the limit is 262144 bytes");
            // Docker's API: lenient about unknown fields like dockerd, not about broken JSON, bad subnets or size
            assertRefused(curl(daemon, "POST", "/v1.47/networks/create", "{\"Name\":"), 400, "malformed JSON in request body");
            assertRefused(curl(daemon, "POST", "/networks/create", "{\"Name\":\"x\",\"IPAM\":{\"Config\":[{\"Subnet\":\"300.1.0.0/24\"}]}}"),
                    400, "IPAM.Config[0] subnet \"300.1.0.0/24\"");
            assertRefused(curl(daemon, "POST", "/networks/create", "{\"Name\":\"`touch " + marker + "`\"}"), 400, "invalid network name");
            assertRefused(curl(daemon, "POST", "/networks/create", "@" + big), 413, "request body too large");
            // the CLI: its own checks, then the daemon's, one line each
            var cliName = cli(daemon, "network", "create", "a&&touch " + marker);
            assertThat(cliName.exit()).isEqualTo(1);
            assertThat(cliName.err()).startsWith("netmgr: invalid network name \"a&&touch ").hasLineCount(1);
            var cliSubnet = cli(daemon, "network", "create", "--subnet", "10.1.0.0/8x", "x");
            assertThat(cliSubnet.exit()).isEqualTo(1);
            assertThat(cliSubnet.err()).contains("10.1.0.0/8x").hasLineCount(1);
            var cliSandbox = cli(daemon, "sandbox", "create", "|reboot");
            assertThat(cliSandbox.exit()).isEqualTo(1);
            assertThat(cliSandbox.err()).contains("invalid sandbox name").hasLineCount(1);

            assertThat(marker).doesNotExist();
            assertThat(state(daemon, host)).isEqualTo(before);
            var health = curl(daemon, "GET", "/health", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(cli(daemon, "network", "create", "--subnet", "10.99.1.0/24", "after").exit()).isZero();
        }
    }

    /** What bad input must not change: the daemon's networks, sandboxes and endpoints, and the host's links and addresses. */
    private String state(DaemonProcess daemon, NetNs host) throws Exception {
        StringBuilder s = new StringBuilder();
        for (String path : List.of("/v1/networks", "/v1/sandboxes", "/v1/endpoints")) {
            s.append(curl(daemon, "GET", path, null).body()).append('\n');
        }
        IpOracle.ip(host, "addr", "show").forEach(link -> s.append(link.path("ifname").asText()).append(' ')
                .append(link.path("addr_info").findValuesAsText("local")).append('\n'));
        return s.toString();
    }

    record HttpReply(int status, String body) {
    }

    /** Plain HTTP with curl over the daemon's socket; {@code body} starting with @ names a file. */
    static HttpReply curl(DaemonProcess daemon, String method, String path, String body) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "20", "--unix-socket", daemon.socket.toString(),
                "-X", method, "-w", "\n%{http_code}"));
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        cmd.add("http://netmgrd" + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new HttpReply(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
    }

    private static void assertRefused(HttpReply r, int status, String message) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(JSON.readTree(r.body()).path("message").asText()).as(r.body()).contains(message);
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefused() throws Exception {
        NetNs host = netns.create("nmtwo");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            var second = Distribution.run(Distribution.HOME.resolve("bin/netmgrd"), Map.of(), "--socket", daemon.socket.toString(),
                    "--state-dir", dir.resolve("other").toString(), "--host-netns", name(host));
            assertThat(second.exit()).isNotZero();
            assertThat(second.err()).contains("another netmgrd is listening on " + daemon.socket);
            assertThat(cli(daemon, "network", "ls", "-q").exit()).isZero();
        }
    }

    private static String roundTrip(Socket s, String message) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] got = in.readNBytes(message.length());
        return new String(got, StandardCharsets.UTF_8);
    }

    /** {@code netmgr KIND inspect REF} through {@code daemon}: the object, whether the CLI printed it alone or in a list. */
    static JsonNode inspect(DaemonProcess daemon, String kind, String ref) throws Exception {
        var r = cli(daemon, kind, "inspect", ref);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode node = JSON.readTree(r.out());
        return node.isArray() ? node.get(0) : node;
    }

    static Distribution.Result cli(DaemonProcess daemon, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-H", daemon.host()));
        all.addAll(List.of(args));
        return Distribution.run(NETMGR, Map.of(), all.toArray(String[]::new));
    }

    static String name(NetNs ns) {
        return ns.path().getFileName().toString();
    }
}
