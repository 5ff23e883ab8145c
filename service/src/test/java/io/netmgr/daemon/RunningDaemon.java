package io.netmgr.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.client.UnixHttpClient;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real netmgrd server (Vert.x on a temp unix socket, a real controller on a temp state dir)
 * whose host is a namespace the test made. Closing removes every sandbox namespace it made.
 */
final class RunningDaemon implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final Path socket;
    final DaemonEngine engine;
    final DaemonServer server;
    final UnixHttpClient http;

    RunningDaemon(NetNs host) throws IOException {
        this(host, java.util.Optional.empty());
    }

    /** Also listening on {@code tcp}. */
    RunningDaemon(NetNs host, java.util.Optional<TcpListener> tcp) throws IOException {
        dir = Files.createTempDirectory("netmgrd-test-");
        socket = dir.resolve("netmgr.sock");
        engine = DaemonEngine.open(dir.resolve("state"), host, FirewallChoice.NONE);
        server = DaemonServer.start(engine, socket, tcp, new DaemonInfo("test", ProcessHandle.current().pid(), socket.toString(),
                dir.toString(), host.path().toString(), Instant.now().toString()));
        http = new UnixHttpClient(socket);
    }

    /** A response with its body as JSON (null when empty). */
    record Reply(int status, JsonNode json, String text, java.util.Map<String, String> headers) {
    }

    Reply call(String method, String path, String body) {
        try {
            UnixHttpClient.Response r = http.send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
            String text = r.text();
            JsonNode json = text.isEmpty() || !r.headers().getOrDefault("content-type", "").contains("json") ? null : JSON.readTree(text);
            return new Reply(r.status(), json, text, r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply get(String path) {
        return call("GET", path, null);
    }

    Reply post(String path, String body) {
        return call("POST", path, body);
    }

    Reply delete(String path) {
        return call("DELETE", path, null);
    }

    @Override
    public void close() throws IOException {
        try {
            for (var s : engine.controller().sandboxes()) {
                engine.controller().deleteSandbox(s.id());
            }
        } finally {
            server.close();
            engine.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
