package io.netmgr.daemon;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
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

    /**
     * The answer to a request Netty could not decode (a broken request line, header or length),
     * in the same shape as every other error; the connection closes after it.
     */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        HttpError error = cause instanceof TooLongHttpLineException ? new HttpError(414, "request line too long")
                : cause instanceof TooLongHttpHeaderException ? new HttpError(431, "request headers too large")
                : new HttpError(400, "malformed HTTP request: check the request line, the headers and Content-Length");
        request.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(JsonBodies.write(java.util.Map.of("message", error.message())));
    }

    public static void error(RoutingContext ctx, HttpError error) {
        if (ctx.response().headWritten()) {
            ctx.response().reset(); // a stream already started: nothing sensible to add
            return;
        }
        json(ctx, error.status(), java.util.Map.of("message", error.message()));
    }
}
