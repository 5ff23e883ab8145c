package io.netmgr.cni;

import io.netmgr.client.UnixHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fast path from a JVM: hands a call to netmgrd over its unix socket in the {@link CniWire}
 * shape, with the CLI's JDK-only {@link UnixHttpClient}. The launcher tries the same with curl
 * before it starts a JVM; this serves when curl is missing or a variable is one the launcher
 * does not carry. No daemon, a refused connection or an answer that is not a CNI response
 * means: run in-process instead.
 */
final class DaemonClient {
    private DaemonClient() {
    }

    static Optional<CniResponse> forward(CniRequest request) {
        Optional<Path> socket = CniWire.daemonSocket(request.stdin());
        if (socket.isEmpty() || !Files.exists(socket.get())) {
            return Optional.empty();
        }
        try {
            UnixHttpClient.Response answer = new UnixHttpClient(socket.get()).send("POST", CniWire.PATH,
                    CniWire.envHeaders(request).stream().map(v -> CniWire.ENV_HEADER + ": " + v).toList(),
                    request.stdin().getBytes(StandardCharsets.UTF_8));
            String exitCode = answer.headers().get(CniWire.EXIT_CODE_HEADER.toLowerCase(java.util.Locale.ROOT));
            if (answer.status() != 200 || exitCode == null) {
                System.err.println("netmgr-cni: daemon at " + socket.get() + " answered " + answer.status() + " "
                        + answer.text().strip() + ", running in-process");
                return Optional.empty();
            }
            return Optional.of(new CniResponse(Integer.parseInt(exitCode), answer.text()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("netmgr-cni: daemon at " + socket.get() + " not usable (" + e.getMessage() + "), running in-process");
            return Optional.empty();
        }
    }
}
