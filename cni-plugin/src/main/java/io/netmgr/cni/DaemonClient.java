package io.netmgr.cni;

import io.netmgr.client.UnixHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The fast path: hands a request to netmgrd over its unix socket ({@code POST /v1/cni}) with
 * the CLI's JDK-only {@link UnixHttpClient}. The socket is the configuration's {@code daemonSocket}
 * ({@code ""} turns the fast path off), else {@value #DEFAULT_SOCKET}. No daemon, a refused
 * connection or an answer that is not a CNI response means: run in-process instead.
 */
final class DaemonClient {
    static final String DEFAULT_SOCKET = "/run/netmgr/netmgr.sock";

    private DaemonClient() {
    }

    static Optional<CniResponse> forward(CniRequest request) {
        Optional<Path> socket = socketOf(request.stdin());
        if (socket.isEmpty() || !Files.exists(socket.get())) {
            return Optional.empty();
        }
        try {
            UnixHttpClient.Response answer = new UnixHttpClient(socket.get())
                    .send("POST", CniWire.PATH, CniWire.encodeRequest(request).getBytes(StandardCharsets.UTF_8));
            return answer.status() == 200 ? Optional.of(CniWire.decodeResponse(answer.text())) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("netmgr-cni: daemon at " + socket.get() + " not usable (" + e.getMessage() + "), running in-process");
            return Optional.empty();
        }
    }

    static Optional<Path> socketOf(String stdin) {
        try {
            Map<String, Object> conf = Json.parseObject(stdin);
            Object v = conf.get("daemonSocket");
            if (v instanceof String s) {
                return s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s));
            }
        } catch (IllegalArgumentException e) {
            // a malformed configuration is the handler's to report, with the right code
        }
        return Optional.of(Path.of(DEFAULT_SOCKET));
    }
}
