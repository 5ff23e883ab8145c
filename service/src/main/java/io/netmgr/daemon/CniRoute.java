package io.netmgr.daemon;

import io.netmgr.cni.CniHandler;
import io.netmgr.cni.CniWire;
import io.netmgr.cni.NetmgrAccess;
import io.vertx.ext.web.Router;
import java.nio.file.Path;

/**
 * The CNI plugin's fast path: {@code netmgr-cni} hands its whole invocation (environment and
 * stdin) to {@code POST /v1/cni} and gets back its exit code and stdout, so a container start
 * costs one request instead of opening netmgr in a fresh JVM. The plugin's own handler runs it,
 * on the daemon's controller, for the daemon's state directory only.
 */
final class CniRoute {
    private final CniHandler handler;
    private final Blocking blocking;

    CniRoute(DaemonEngine engine, Path stateDir, Blocking blocking) {
        this.handler = new CniHandler(NetmgrAccess.shared(engine.controller(), stateDir));
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.post(CniWire.PATH).handler(ctx -> blocking
                .call(() -> CniWire.encodeResponse(handler.handle(CniWire.decodeRequest(ctx.body().asString()))))
                .onSuccess(answer -> Replies.json(ctx, 200, answer))
                .onFailure(ctx::fail));
    }
}
