package io.netmgr.cni.daemon;

import io.netmgr.client.UnixHttpClient;
import io.netmgr.cni.CniError;
import io.netmgr.cni.CniHandler;
import io.netmgr.cni.CniRequest;
import io.netmgr.cni.CniResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The fast path from a JVM: hands a call to netmgrd over its unix socket in the {@link CniWire}
 * shape, with the CLI's JDK-only {@link UnixHttpClient}. The launcher script tries the same
 * before it starts a JVM; this serves when the script could not (a daemonSocket it cannot
 * read). No daemon, a refused connection or an answer that is not a CNI response means: run
 * in-process instead.
 */
public final class DaemonClient {
    private DaemonClient() {
    }

    public static Optional<CniResponse> forward(CniRequest request) {
        Optional<Path> socket = CniWire.daemonSocket(request.stdin());
        if (socket.isEmpty() || Files.notExists(socket.get())) {
            return Optional.empty();
        }
        // neither there nor not there: a directory on the way this user may not search
        if (!Files.exists(socket.get()) || !Files.isWritable(socket.get())) {
            // in-process would fail too, later and less clearly: netmgr's work needs the same privileges
            return Optional.of(CniResponse.failed(new CniError(CniError.IO_FAILURE, "permission denied: netmgr-cni cannot open "
                    + "netmgrd's socket " + socket.get(), "run the plugin as root, as container runtimes do, or as a member "
                    + "of the socket's group"), CniHandler.versionForErrors(request.stdin())));
        }
        UnixHttpClient.Response answer;
        try {
            answer = new UnixHttpClient(socket.get()).send("POST", CniWire.PATH,
                    CniWire.envHeaders(request).stream().map(v -> CniWire.ENV_HEADER + ": " + v).toList(),
                    request.stdin().getBytes(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            System.err.println("netmgr-cni: no daemon listens at " + socket.get() + " (" + e.getMessage() + "), running in-process");
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(noAnswer(request, socket.get(), e.getMessage()));
        }
        String exitCode = answer.headers().get(CniWire.EXIT_CODE_HEADER.toLowerCase(Locale.ROOT));
        if (answer.status() != 200) {
            // refused, so not run: another daemon's configuration, or a daemon without the route
            System.err.println("netmgr-cni: daemon at " + socket.get() + " answered " + answer.status() + " "
                    + answer.text().strip() + ", running in-process");
            return Optional.empty();
        }
        if (exitCode == null || !exitCode.matches("[0-9]{1,3}")) {
            return Optional.of(noAnswer(request, socket.get(), "200 without a valid " + CniWire.EXIT_CODE_HEADER));
        }
        return Optional.of(new CniResponse(Integer.parseInt(exitCode), answer.text()));
    }

    /**
     * A call that reached the daemon but got no answer to trust may or may not have run: it is
     * not run again here, the runtime is told to retry.
     */
    private static CniResponse noAnswer(CniRequest request, Path socket, String why) {
        return CniResponse.failed(new CniError(CniError.TRY_AGAIN_LATER, "netmgrd at " + socket + " gave no usable answer ("
                + why + ")", "the call may or may not have run; try again"), CniHandler.versionForErrors(request.stdin()));
    }
}
