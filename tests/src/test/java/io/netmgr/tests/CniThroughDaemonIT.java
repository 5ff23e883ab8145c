package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.client.UnixHttpClient;
import io.netmgr.cni.Json;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * netmgr-cni with a running netmgrd: the plugin hands ADD and DEL to the daemon's
 * {@code POST /v1/cni} (no in-process fallback), the containers get working networking, and
 * the daemon's own API sees the attachments. The plugin (a C program) does it alone, no JVM
 * anywhere on the path, whether the configuration's daemonSocket is plain or written with JSON
 * escapes.
 */
class CniThroughDaemonIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path tmp;

    /** How the configuration names the daemon's socket. A JVM must not be needed either way, so none can be found. */
    enum HandOver {
        /** {@code "daemonSocket": "/tmp/..."}. */
        PLAIN_SOCKET {
            @Override
            String text(Map<String, Object> conf) {
                return Json.write(conf);
            }
        },
        /** {@code "daemonSocket": "\/tmp\/..."}: JSON escapes, which the plugin decodes as the JVM does. */
        ESCAPED_SOCKET {
            @Override
            String text(Map<String, Object> conf) {
                String socket = Json.write(Map.of("daemonSocket", conf.get("daemonSocket")));
                socket = socket.substring(1, socket.length() - 1);
                return Json.write(conf).replace(socket, socket.replace("/", "\\/"));
            }
        };

        Map<String, String> env() {
            return Map.of("NETMGR_JAVA", "/nonexistent/bin/java");
        }

        /** The configuration as this way's plugin gets it. */
        abstract String text(Map<String, Object> conf);
    }

    @ParameterizedTest
    @EnumSource(HandOver.class)
    void pluginAddAndDelGoThroughTheDaemon(HandOver way) throws Exception {
        NetNs host = netns.create("cnid");
        NetNs c1 = netns.create("cd1");
        NetNs c2 = netns.create("cd2");
        try (DaemonProcess daemon = new DaemonProcess(tmp, NetmgrdIT.name(host)).start()) {
            Map<String, String> env = new LinkedHashMap<>(way.env());
            env.put("NETMGR_STATE_DIR", daemon.stateDir.toString());
            CniRuntime runtime = new CniRuntime(plugins(), env);
            String conf = way.text(conf(daemon.socket.toString()));

            CniRuntime.Outcome a1 = runtime.exec("netmgr", "ADD", "ctr-d1", c1.path().toString(), "eth0", conf, Map.of()).assertOk();
            CniRuntime.Outcome a2 = runtime.exec("netmgr", "ADD", "ctr-d2", c2.path().toString(), "eth0", conf, Map.of()).assertOk();
            assertThat(a1.err() + a2.err()).doesNotContain("running in-process");
            assertThat(a1.out()).startsWith("{\"cniVersion\":\"1.1.0\",\"interfaces\":").endsWith("}");
            assertThat(NetmgrdIT.cli(daemon, "network", "ls", "--format", "{{.Name}}").out()).contains("cnid");

            String ip1 = a1.out().replaceAll("(?s).*\"address\":\"([0-9.]+)/.*", "$1");
            try (var echo = Traffic.echoServer(c1, InetAddress.getByName(ip1), 80)) {
                assertThat(Traffic.exchange(c2, InetAddress.getByName(ip1), 80, "via daemon", 3000)).isEqualTo("via daemon");
            }
            // a refusal travels back as the plugin's error object and exit code
            CniRuntime.Outcome again = runtime.exec("netmgr", "ADD", "ctr-d1", c1.path().toString(), "eth0", conf, Map.of());
            assertThat(again.exit()).isNotZero();
            assertThat(again.json()).containsEntry("code", 100L);
            for (String id : List.of("ctr-d1", "ctr-d2")) {
                CniRuntime.Outcome del = runtime.exec("netmgr", "DEL", id, null, "eth0", conf, Map.of()).assertOk();
                assertThat(del.err()).doesNotContain("running in-process");
                assertThat(del.out()).isEmpty(); // DEL prints nothing on success
            }
            assertThat(NetmgrdIT.cli(daemon, "sandbox", "ls", "-q").out()).isBlank();
            // the daemon's share of each call, by command and outcome
            String metrics = new UnixHttpClient(daemon.socket).send("GET", "/metrics", null).text();
            assertThat(metrics).contains("netmgr_operation_seconds_count{operation=\"cni.add\",outcome=\"ok\"} 2")
                    .contains("netmgr_operation_seconds_count{operation=\"cni.add\",outcome=\"error\"} 1")
                    .contains("netmgr_operation_seconds_count{operation=\"cni.del\",outcome=\"ok\"} 2");
        }
    }

    /**
     * Control and non-ASCII characters travel percent-encoded, {@code %} itself too, either way:
     * the daemon sees the values the runtime set.
     */
    @ParameterizedTest
    @EnumSource(HandOver.class)
    void variablesWithAnyCharactersReachTheDaemon(HandOver way) throws Exception {
        NetNs host = netns.create("cniv");
        NetNs c1 = netns.create("cv1");
        try (DaemonProcess daemon = new DaemonProcess(tmp, NetmgrdIT.name(host)).start()) {
            Map<String, String> env = new LinkedHashMap<>(way.env());
            env.put("NETMGR_STATE_DIR", daemon.stateDir.toString());
            // a tab and a non-ASCII character in CNI_ARGS, which the plugin ignores but must accept
            CniRuntime runtime = new CniRuntime(plugins(), env);
            String conf = way.text(conf(daemon.socket.toString()));
            CniRuntime.Outcome add = runtime.exec("netmgr", "ADD", "ctr-v1", c1.path().toString(), "eth0", conf,
                    Map.of("CNI_ARGS", "IgnoreUnknown=1;NOTE=caf\u00e9\tx%41")).assertOk();
            assertThat(add.err()).doesNotContain("running in-process");
            runtime.exec("netmgr", "DEL", "ctr-v1", null, "eth0", conf, Map.of()).assertOk();
        }
    }

    /**
     * VERSION is answered by the plugin alone (no daemon listens where the configuration says,
     * no JVM can start), word for word as the daemon answers it: for libcni's query
     * ({@code {"cniVersion": "X"}}), a whole network configuration, and texts whose cniVersion
     * only a JSON reading gets right (escaped, nested, repeated, or no JSON at all).
     */
    @Test
    void thePluginAnswersVersionAloneAsTheDaemonDoes() throws Exception {
        NetNs host = netns.create("cniq");
        CniRuntime pluginAlone = new CniRuntime(plugins(), HandOver.PLAIN_SOCKET.env());
        String nowhere = tmp.resolve("nobody-listens.sock").toString();
        try (DaemonProcess daemon = new DaemonProcess(tmp, NetmgrdIT.name(host)).start()) {
            UnixHttpClient http = new UnixHttpClient(daemon.socket);
            Map<String, String> daemonsAnswer = new LinkedHashMap<>();
            for (String asked : List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", "0.2.0", "9.9.9", "")) {
                UnixHttpClient.Response fromDaemon = http.send("POST", "/v1/cni", List.of("CNI-Env: CNI_COMMAND=VERSION"),
                        Json.write(Map.of("cniVersion", asked, "daemonSocket", daemon.socket.toString()))
                                .getBytes(StandardCharsets.UTF_8));
                assertThat(fromDaemon.headers()).containsEntry("cni-exit-code", "0");
                daemonsAnswer.put(asked, fromDaemon.text());
                Map<String, Object> whole = new LinkedHashMap<>(conf(nowhere));
                whole.put("cniVersion", asked);
                for (String text : List.of(Json.write(Map.of("cniVersion", asked)), " {\n\t\"cniVersion\" : \"" + asked + "\" }\n",
                        Json.write(whole))) {
                    CniRuntime.Outcome local = pluginAlone.exec("netmgr", "VERSION", null, null, null, text, Map.of());
                    assertThat(local.exit()).as("VERSION of %s: %s", text, local.err()).isZero();
                    assertThat(local.out()).as("VERSION of %s", text).isEqualTo(fromDaemon.text());
                }
            }
            Map<String, String> readAsJson = new LinkedHashMap<>();
            readAsJson.put("{\"cniVersion\":\"\\u0030.4.0\"}", "0.4.0");
            readAsJson.put("{\"ipam\":{\"cniVersion\":\"0.4.0\"},\"name\":\"n\"}", "");
            readAsJson.put("{\"cniVersion\":\"0.3.1\",\"cniVersion\":\"1.0.0\"}", "1.0.0");
            readAsJson.put("{\"cniVersion\":\"0.3.1\",}", "");
            readAsJson.put("", "");
            for (var c : readAsJson.entrySet()) {
                CniRuntime.Outcome local = pluginAlone.exec("netmgr", "VERSION", null, null, null, c.getKey(), Map.of());
                assertThat(local.exit()).as("VERSION of %s: %s", c.getKey(), local.err()).isZero();
                assertThat(local.out()).as("VERSION of %s", c.getKey()).isEqualTo(daemonsAnswer.get(c.getValue()));
            }
        }
    }

    /**
     * The plugin's errors are the spec's error object on stdout with exit code 1: a copy of the
     * plugin alone (no distribution beside it or in the usual places) with no daemon to hand
     * the call to cannot run it in-process, and says so.
     */
    @Test
    void aLoneCopyWithoutADaemonGivesTheSpecsErrorObject() throws Exception {
        Path lone = Files.createDirectories(tmp.resolve("lone"));
        Files.copy(Distribution.HOME.resolve("bin/netmgr-cni"), lone.resolve("netmgr"));
        lone.resolve("netmgr").toFile().setExecutable(true);
        Map<String, Object> conf = conf(tmp.resolve("nobody-listens.sock").toString());
        conf.put("cniVersion", "0.4.0");
        CniRuntime.Outcome add = new CniRuntime(lone, Map.of()).exec("netmgr", "ADD", "ctr-l1", "/proc/self/ns/net", "eth0",
                Json.write(conf), Map.of());
        assertThat(add.exit()).isEqualTo(1);
        assertThat(add.json()).containsEntry("cniVersion", "0.4.0").containsEntry("code", 5L)
                .containsEntry("msg", "netmgr-cni: cannot find the netmgr distribution (bin/netmgr-java, lib/)");
    }

    /**
     * A daemon that refuses the call by its HTTP status has not run it: the plugin says so on
     * stderr and runs it in-process, in the JVM (here a call the handler refuses, code 4).
     */
    @Test
    void aCallRefusedByStatusRunsInProcess() throws Exception {
        Path socket = tmp.resolve("refusing.sock");
        try (ServerSocketChannel refusing = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            refusing.bind(UnixDomainSocketAddress.of(socket));
            Thread server = new Thread(() -> {
                try (SocketChannel call = refusing.accept()) {
                    call.read(ByteBuffer.allocate(65536));
                    call.write(ByteBuffer.wrap("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    // the test fails on the plugin's answer instead
                }
            });
            server.setDaemon(true);
            server.start();
            Map<String, Object> conf = conf(socket.toString());
            CniRuntime.Outcome call = new CniRuntime(plugins(), Map.of("NETMGR_STATE_DIR", tmp.resolve("state").toString()))
                    .exec("netmgr", "NONE", null, null, null, Json.write(conf), Map.of());
            server.join(10_000);
            assertThat(call.err()).contains("netmgr-cni: daemon at " + socket + " answered 404, running in-process");
            assertThat(call.exit()).isEqualTo(1);
            assertThat(call.json()).containsEntry("code", 4L);
            assertThat((String) call.json().get("msg")).contains("CNI_COMMAND \"NONE\"");
        }
    }

    /**
     * A daemon that takes the call and closes without an answer may or may not have run it:
     * the plugin says "try again" (code 11) instead of running it a second time itself (no JVM
     * could start: the plugin decides alone).
     */
    @ParameterizedTest
    @EnumSource(HandOver.class)
    void aCallTakenButNotAnsweredIsNotRunTwice(HandOver way) throws Exception {
        Path socket = tmp.resolve("mute.sock");
        try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            mute.bind(UnixDomainSocketAddress.of(socket));
            Thread server = new Thread(() -> {
                try (SocketChannel call = mute.accept()) {
                    call.read(ByteBuffer.allocate(65536)); // takes the request, then hangs up
                } catch (IOException e) {
                    // the test fails on the plugin's answer instead
                }
            });
            server.setDaemon(true);
            server.start();
            Path stateDir = tmp.resolve("state");
            Map<String, String> env = new LinkedHashMap<>(way.env());
            env.put("NETMGR_STATE_DIR", stateDir.toString());
            CniRuntime.Outcome add = new CniRuntime(plugins(), env).exec("netmgr", "ADD", "ctr-m1",
                    "/proc/self/ns/net", "eth0", way.text(conf(socket.toString())), Map.of());
            server.join(10_000);
            assertThat(add.exit()).isNotZero();
            assertThat(add.json()).containsEntry("code", 11L);
            assertThat((String) add.json().get("msg")).contains(socket.toString());
            assertThat(stateDir).doesNotExist(); // not run in-process either
        }
    }

    /** A configuration naming another daemon's socket is not served by this one. */
    @Test
    void aDaemonServesOnlyConfigurationsThatNameIt() throws Exception {
        NetNs host = netns.create("cnim");
        try (DaemonProcess daemon = new DaemonProcess(tmp, NetmgrdIT.name(host)).start()) {
            Map<String, Object> conf = conf(tmp.resolve("elsewhere.sock").toString());
            UnixHttpClient http = new UnixHttpClient(daemon.socket);
            UnixHttpClient.Response answer = http.send("POST", "/v1/cni", List.of("CNI-Env: CNI_COMMAND=STATUS"),
                    Json.write(conf).getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).isEqualTo(421);
            assertThat(answer.text()).contains("elsewhere.sock").contains(daemon.socket.toString());
            UnixHttpClient.Response served = http.send("POST", "/v1/cni", List.of("CNI-Env: CNI_COMMAND=VERSION"),
                    Json.write(conf(daemon.socket.toString())).getBytes(StandardCharsets.UTF_8));
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.headers()).containsEntry("cni-exit-code", "0");
            assertThat(served.text()).contains("supportedVersions");
        }
    }

    private Path plugins() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("cni-bin"));
        Path plugin = plugins.resolve("netmgr");
        if (!Files.exists(plugin, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(plugin, Distribution.HOME.resolve("bin/netmgr-cni"));
        }
        return plugins;
    }

    private static Map<String, Object> conf(String socket) {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("cniVersion", "1.1.0");
        conf.put("name", "cnid");
        conf.put("type", "netmgr");
        conf.put("bridge", "cnidbr0");
        conf.put("daemonSocket", socket);
        conf.put("ipam", Map.of("type", "host-local", "ranges", List.of(List.of(Map.of("subnet", "10.214.0.0/24")))));
        return conf;
    }
}
