package io.netmgr.daemon;

import io.netmgr.cni.CniCommand;
import io.netmgr.cni.CniError;
import io.netmgr.cni.CniHandler;
import io.netmgr.cni.CniRequest;
import io.netmgr.cni.CniResponse;
import io.netmgr.cni.CniVersion;
import io.netmgr.cni.NetmgrAccess;
import io.netmgr.cni.daemon.CniWire;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The CNI plugin's fast path: {@code netmgr-cni} hands its whole call (variables and stdin, in
 * the {@link CniWire} shape) to {@code POST /v1/cni} and relays the exit code and stdout it gets
 * back, so a container start costs one request instead of opening netmgr in a fresh JVM. The
 * plugin's own handler runs it, on the daemon's controller, for the daemon's state directory
 * only. A configuration that names another daemon's socket is answered {@value CniWire#MISDIRECTED}
 * (the plugin then goes there itself).
 */
final class CniRoute {
    private final CniHandler handler;
    private final Blocking blocking;
    private final Path socket;
    private final OperationMetrics metrics;

    /** {@code sandboxDns}: netmgrd's resolver answers in sandboxes, so results may name it. */
    CniRoute(DaemonEngine engine, Path stateDir, Path socket, Blocking blocking, OperationMetrics metrics, boolean sandboxDns) {
        this.handler = new CniHandler(NetmgrAccess.shared(engine.controller(), stateDir, sandboxDns));
        this.blocking = blocking;
        this.socket = socket;
        this.metrics = metrics;
    }

    void mount(Router router) {
        router.post(CniWire.PATH).handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        String configuration;
        try {
            configuration = CniWire.configuration(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (CniError e) {
            reply(ctx, CniResponse.failed(e, CniVersion.LATEST));
            return;
        }
        Optional<Path> named = CniWire.daemonSocket(configuration);
        if (named.isEmpty() || !sameFile(named.get(), socket)) {
            Replies.error(ctx, new HttpError(CniWire.MISDIRECTED, "this configuration names daemonSocket "
                    + named.map(Path::toString).orElse("\"\" (in-process)") + "; this netmgrd listens on " + socket));
            return;
        }
        blocking.call(() -> run(CniWire.request(ctx.request().headers().getAll(CniWire.ENV_HEADER), configuration)))
                .onSuccess(answer -> reply(ctx, answer))
                .onFailure(ctx::fail);
    }

    /** Runs the call, timed as operation {@code cni.add}, {@code cni.del}... (the daemon's share of a plugin call). */
    private CniResponse run(CniRequest call) {
        long start = System.nanoTime();
        CniResponse answer = handler.handle(call);
        String command = CniCommand.parse(call.command()).map(Enum::name).orElse("unknown"); // no tag per typo
        metrics.record("cni." + command.toLowerCase(java.util.Locale.ROOT), System.nanoTime() - start, answer.exitCode() == 0);
        return answer;
    }

    private static void reply(RoutingContext ctx, CniResponse answer) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                .putHeader(CniWire.EXIT_CODE_HEADER, Integer.toString(answer.exitCode())).end(answer.stdout());
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.equals(b) || Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
