package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netmgr.client.UnixHttpClient;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the bad-input corpus ({@code src/test/resources/bad-input/}, one file per front:
 * netmgr's REST API, Docker's API, the CNI plugin on both paths, the CLI) against the built
 * distribution and one netmgrd: each is refused with the status or CNI code the case names, in
 * one line that names the problem and no Java class, and changes nothing (the daemon's networks,
 * sandboxes and endpoints, the links and addresses of the namespaces playing the host (the
 * daemon's, and the in-process plugin's) and of the container's, and their nftables rulesets are
 * the same after the case as before it).
 *
 * <p>A case is one JSON object per line ({@code #} starts a comment). Fields: {@code says}, a
 * fragment the message must contain; for HTTP {@code status}, {@code method}, {@code path} and
 * a body as {@code json} (a value), {@code raw} (text; {@code @NEST@} becomes 5,000 nested
 * arrays, {@code @BIG@} a body over the size limit) or {@code http} (a whole request, sent as is
 * but for {@code @FORM@}, a 9,000-byte form); a path's {@code {endpoint:NAME}} is that fixture's id; for CNI {@code code}, {@code conf}
 * (merged over a minimal configuration; null removes a field) or {@code raw}/{@code base64}
 * ({@code @SOCKET@} becomes the path's daemonSocket), {@code env} (null unsets), {@code paths}
 * and {@code user} (a uid to run as); for the CLI {@code exit} and {@code args}.
 */
class BadInputCorpusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NETMGR = Distribution.HOME.resolve("bin/netmgr");
    private static final Path CNI = Distribution.HOME.resolve("bin/netmgr-cni");
    static final List<String> LEAKS = List.of("io.netmgr", "Exception", "java.", "\tat ");
    private static final String NEST = "[".repeat(5000) + "]".repeat(5000);
    private static final String FORM = "a=" + "b".repeat(8998);
    private static final String BIG = "{\"name\":\"" + "a".repeat(300_000) + "\"}";
    private static final Pattern ENDPOINT_REF = Pattern.compile("\\{endpoint:([a-z-]+)}");

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path tmp;

    private DaemonProcess daemon;
    private UnixHttpClient http;
    private NetNs host;
    private NetNs container;
    private NetNs inProcessHost;
    private Snapshot last;

    @TestFactory
    Stream<DynamicNode> everyCaseIsRefusedClearlyAndChangesNothing() throws Exception {
        host = netns.create("bihost");
        container = netns.create("bictr");
        inProcessHost = netns.create("biproc");
        daemon = new DaemonProcess(Files.createDirectories(tmp.resolve("d")), CniTestHost.name(host)).start();
        List<DynamicNode> fronts;
        try {
            http = new UnixHttpClient(daemon.socket);
            makeFixtures();
            warmUpInProcess();
            fronts = List.of(front("rest", this::httpCase), front("docker", this::httpCase), cniFront(), front("cli", this::cliCase));
        } catch (Exception | AssertionError e) {
            daemon.close();
            throw e;
        }
        // the daemon stops after every case ran: this factory's @AfterEach-time, before the namespaces go
        return Stream.concat(fronts.stream(), Stream.of(DynamicTest.dynamicTest("daemon stops", () -> daemon.close())));
    }

    /** What the cases refer to: a network with an endpoint joined to a sandbox, and one endpoint alone. */
    private void makeFixtures() throws IOException {
        ok("POST", "/v1/networks", "{\"name\":\"fixture-net\",\"subnets\":[{\"subnet\":\"10.250.0.0/24\"}]}");
        ok("POST", "/v1/sandboxes", "{\"name\":\"fixture-sb\"}");
        ok("POST", "/v1/endpoints", "{\"network\":\"fixture-net\",\"name\":\"fixture-ep\",\"sandbox\":\"fixture-sb\","
                + "\"ports\":[\"18080:80\"]}");
        ok("POST", "/v1/endpoints", "{\"network\":\"fixture-net\",\"name\":\"fixture-alone\"}");
    }

    private void ok(String method, String path, String body) throws IOException {
        UnixHttpClient.Response r = http.send(method, path, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(method + " " + path + ": " + r.text()).isLessThan(300);
    }

    private interface CaseRunner {
        void run(JsonNode c) throws Exception;
    }

    private DynamicContainer front(String name, CaseRunner runner) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases(name)) {
            tests.add(DynamicTest.dynamicTest(title(c), () -> unchangedAfter(() -> runner.run(c))));
        }
        return DynamicContainer.dynamicContainer(name, tests);
    }

    private DynamicContainer cniFront() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases("cni")) {
            List<String> paths = new ArrayList<>(List.of("daemon", "in-process"));
            if (c.has("paths")) {
                paths.clear();
                c.get("paths").forEach(p -> paths.add(p.asText()));
            }
            for (String path : paths) {
                tests.add(DynamicTest.dynamicTest(path + ": " + title(c), () -> unchangedAfter(() -> cniCase(c, path))));
            }
        }
        return DynamicContainer.dynamicContainer("cni", tests);
    }

    static List<JsonNode> cases(String front) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = BadInputCorpusIT.class.getResourceAsStream("/bad-input/" + front + ".jsonl")) {
            assertThat(in).as("bad-input/" + front + ".jsonl").isNotNull();
            int n = 0;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                n++;
                if (!line.isBlank() && !line.stripLeading().startsWith("#")) {
                    ObjectNode c = (ObjectNode) JSON.readTree(line);
                    c.put("line", front + ".jsonl:" + n);
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static String title(JsonNode c) {
        String what = c.has("args") ? "netmgr " + String.join(" ", strings(c.get("args")))
                : c.has("path") ? c.get("method").asText() + " " + c.get("path").asText() : c.path("says").asText();
        return c.get("line").asText() + " " + (what.length() > 90 ? what.substring(0, 90) + "..." : what);
    }

    private interface Action {
        void run() throws Exception;
    }

    private void unchangedAfter(Action action) throws Exception {
        if (last == null) {
            last = snapshot();
        }
        action.run();
        Snapshot now = snapshot();
        Snapshot before = last;
        last = now;
        assertThat(now).as("state after the case").isEqualTo(before);
    }

    // ---- HTTP: netmgr's API and Docker's

    private void httpCase(JsonNode c) throws Exception {
        int status;
        String body;
        if (c.has("http")) {
            String[] answer = rawHttp(c.get("http").asText().replace("@FORM@", FORM));
            status = Integer.parseInt(answer[0]);
            body = answer[1];
        } else {
            byte[] sent = c.has("json") ? JSON.writeValueAsBytes(c.get("json")) : c.has("raw")
                    ? c.get("raw").asText().replace("@NEST@", NEST).replace("@BIG@", BIG).getBytes(StandardCharsets.UTF_8) : null;
            UnixHttpClient.Response r = http.send(c.get("method").asText(), path(c.get("path").asText()), sent);
            status = r.status();
            body = r.text();
        }
        String message = JSON.readTree(body).path("message").asText(null);
        assertThat(status).as(c.get("line") + " status; body " + body).isEqualTo(c.get("status").asInt());
        assertOneClearLine(c, message, body);
    }

    /** {@code path} with each {@code {endpoint:NAME}} replaced by that fixture endpoint's id. */
    private String path(String path) throws IOException {
        Matcher m = ENDPOINT_REF.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String id = null;
            for (JsonNode e : JSON.readTree(get("/v1/endpoints"))) {
                if (e.path("name").asText().equals(m.group(1))) {
                    id = e.path("id").asText();
                }
            }
            assertThat(id).as("fixture endpoint " + m.group(1)).isNotNull();
            m.appendReplacement(out, id);
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Sends {@code request} as is ({@code \r\n} line ends) and returns the status and body of the
     * answer, read by its Content-Length: the connection may stay open after it.
     */
    private String[] rawHttp(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            InputStream in = Channels.newInputStream(ch);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("an answer to " + request.lines().findFirst().orElse("")).isNotNegative();
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?i)content-length: *([0-9]+)").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return new String[] {head.toString().split(" ")[1], body.length == 0 ? "{}" : new String(body, StandardCharsets.UTF_8)};
        }
    }

    // ---- CNI, in-process and through the daemon

    private void cniCase(JsonNode c, String path) throws Exception {
        String socket = path.equals("daemon") ? daemon.socket.toString() : "";
        byte[] stdin;
        if (c.has("base64")) {
            stdin = new String(Base64.getDecoder().decode(c.get("base64").asText()), StandardCharsets.ISO_8859_1)
                    .replace("@SOCKET@", socket).getBytes(StandardCharsets.ISO_8859_1);
        } else if (c.has("raw")) {
            stdin = c.get("raw").asText().replace("@SOCKET@", socket).replace("@NEST@", NEST).getBytes(StandardCharsets.UTF_8);
        } else {
            ObjectNode conf = (ObjectNode) JSON.readTree("{\"cniVersion\":\"1.1.0\",\"name\":\"corpus-cni\",\"type\":\"netmgr\"}");
            conf.put("daemonSocket", socket);
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("conf").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isNull()) {
                    conf.remove(f.getKey());
                } else {
                    conf.set(f.getKey(), f.getValue());
                }
            }
            stdin = JSON.writeValueAsBytes(conf);
        }
        Map<String, String> env = cniEnvironment(path.equals("daemon"));
        for (Iterator<Map.Entry<String, JsonNode>> it = c.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                env.remove(e.getKey());
            } else {
                env.put(e.getKey(), e.getValue().asText());
            }
        }
        List<String> command = new ArrayList<>();
        if (c.has("user")) { // a caller without root, as the runtime of a rootless user would be
            command.addAll(List.of("setpriv", "--reuid=" + c.get("user").asInt(), "--regid=" + c.get("user").asInt(), "--clear-groups"));
        }
        String[] result = execCni(command, env, stdin);
        String out = result[1];
        String stderr = result[2];
        assertThat(Integer.parseInt(result[0])).as(c.get("line") + " exit; stdout " + out + "; stderr " + stderr).isNotZero();
        JsonNode error = JSON.readTree(out);
        assertThat(error.path("code").asInt()).as(c.get("line") + " code; stdout " + out).isEqualTo(c.get("code").asInt());
        assertOneClearLine(c, error.path("msg").asText(null), out + stderr);
    }

    /**
     * A runtime's environment: the daemon's host namespace and state, or for the in-process path
     * a host namespace and state of its own (an in-process netmgr on the daemon's namespace would
     * render the daemon's rules its own way, a separate matter from bad input).
     */
    private Map<String, String> cniEnvironment(boolean daemonPath) {
        return new HashMap<>(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "CNI_COMMAND", "ADD",
                "CNI_CONTAINERID", "corpus-ctr", "CNI_IFNAME", "eth0", "CNI_NETNS", container.path().toString(),
                "CNI_PATH", "/usr/lib/cni", "NETMGR_HOST_NETNS", (daemonPath ? host : inProcessHost).path().toString(),
                "NETMGR_STATE_DIR", (daemonPath ? daemon.stateDir : tmp.resolve("in-process-state")).toString()));
    }

    /** Runs netmgr-cni after {@code prefix} with {@code env} and {@code stdin}; its exit code, stdout and stderr. */
    private String[] execCni(List<String> prefix, Map<String, String> env, byte[] stdin) throws Exception {
        if (!prefix.isEmpty()) { // another user: the checkout may sit where only root can read (/root/...)
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "netmgr-cni-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path copy = Files.copy(CNI, dir.resolve("netmgr-cni"));
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                return execCni(prefix, copy, env, stdin);
            } finally {
                Files.delete(copy);
                Files.delete(dir);
            }
        }
        return execCni(prefix, CNI, env, stdin);
    }

    private String[] execCni(List<String> prefix, Path launcher, Map<String, String> env, byte[] stdin) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(launcher.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path err = Files.createTempFile(tmp, "cni-err", ".txt");
        Process p = pb.redirectError(err.toFile()).start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("netmgr-cni finished").isTrue();
        String stderr = Files.readString(err);
        Files.delete(err);
        return new String[] {Integer.toString(p.exitValue()), out, stderr};
    }

    /** An ADD and DEL in-process, so the corpus starts on a host where netmgr has run (its bridge and rules made). */
    private void warmUpInProcess() throws Exception {
        byte[] conf = ("{\"cniVersion\":\"1.1.0\",\"name\":\"corpus-warm\",\"type\":\"netmgr\",\"daemonSocket\":\"\","
                + "\"ipam\":{\"subnet\":\"10.251.0.0/24\"}}").getBytes(StandardCharsets.UTF_8);
        for (String command : List.of("ADD", "DEL")) {
            Map<String, String> env = cniEnvironment(false);
            env.put("CNI_COMMAND", command);
            env.put("CNI_IFNAME", "warm0");
            String[] r = execCni(List.of(), env, conf);
            assertThat(r[0]).as(command + ": " + r[1] + r[2]).isEqualTo("0");
        }
    }

    // ---- CLI

    private void cliCase(JsonNode c) throws Exception {
        List<String> args = new ArrayList<>(List.of("-H", daemon.host()));
        args.addAll(strings(c.get("args")));
        Distribution.Result r = Distribution.run(NETMGR, Map.of(), args.toArray(String[]::new));
        assertThat(r.exit()).as(c.get("line") + " exit; stderr " + r.err()).isEqualTo(c.get("exit").asInt());
        assertThat(r.out()).as(c.get("line") + " stdout").isEmpty();
        assertOneClearLine(c, r.err().lines().filter(l -> !l.isBlank()).findFirst().orElse(null), r.err());
    }

    private static void assertOneClearLine(JsonNode c, String message, String everything) {
        assertThat(message).as(c.get("line") + " message").isNotBlank().doesNotContain("\n")
                .contains(c.get("says").asText());
        for (String leak : LEAKS) {
            assertThat(everything).as(c.get("line") + " names no Java internals").doesNotContain(leak);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asText()));
        return out;
    }

    // ---- what must not change

    /**
     * The daemon's objects (services too: a refused service request must store nothing), the
     * kernel's links and addresses in the host and container namespaces, the host's rules.
     */
    record Snapshot(String networks, String sandboxes, String endpoints, String services, JsonNode hostLinks, JsonNode hostAddresses,
                    JsonNode containerLinks, String ruleset, JsonNode inProcessLinks, JsonNode inProcessAddresses,
                    String inProcessRuleset) {
    }

    private Snapshot snapshot() throws IOException {
        return new Snapshot(get("/v1/networks"), get("/v1/sandboxes"), get("/v1/endpoints"), get("/v1/services"),
                withoutCarrier(IpOracle.ip(host, "link", "show")), withoutCarrier(withoutLinkLocal(IpOracle.ip(host, "addr", "show"))),
                withoutCarrier(IpOracle.ip(container, "link", "show")), IpOracle.exec(host, "nft", "list", "ruleset"),
                withoutCarrier(IpOracle.ip(inProcessHost, "link", "show")),
                withoutCarrier(withoutLinkLocal(IpOracle.ip(inProcessHost, "addr", "show"))),
                IpOracle.exec(inProcessHost, "nft", "list", "ruleset"));
    }

    /**
     * A bridge's carrier follows its ports a moment after they come or go (the in-process warm-up
     * removes one): operstate and the carrier flags are the kernel's to settle, not a change.
     */
    static JsonNode withoutCarrier(JsonNode links) {
        for (JsonNode link : links) {
            ((ObjectNode) link).remove("operstate");
            for (Iterator<JsonNode> it = link.path("flags").iterator(); it.hasNext(); ) {
                String flag = it.next().asText();
                if (flag.equals("NO-CARRIER") || flag.equals("LOWER_UP")) {
                    it.remove();
                }
            }
        }
        return links;
    }

    /** The kernel's own IPv6 link-local addresses come and leave "tentative" on their own time: not ours to compare. */
    static JsonNode withoutLinkLocal(JsonNode links) {
        for (JsonNode link : links) {
            for (Iterator<JsonNode> it = link.path("addr_info").iterator(); it.hasNext(); ) {
                if (it.next().path("scope").asText().equals("link")) {
                    it.remove();
                }
            }
        }
        return links;
    }

    private String get(String path) throws IOException {
        UnixHttpClient.Response r = http.send("GET", path, null);
        assertThat(r.status()).isEqualTo(200);
        return r.text();
    }
}
