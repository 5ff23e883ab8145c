package io.netmgr.daemon;

import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers and errors, the same way for every route. */
public final class Replies {
    private Replies() {
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof String s ? s : JsonBodies.write(body));
    }

    public static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    public static void error(RoutingContext ctx, HttpError error) {
        if (ctx.response().headWritten()) {
            ctx.response().reset(); // a stream already started: nothing sensible to add
            return;
        }
        json(ctx, error.status(), java.util.Map.of("message", error.message()));
    }
}
