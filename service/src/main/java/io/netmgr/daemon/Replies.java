package io.netmgr.daemon;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writing JSON answers and errors, the same way for every route. */
public final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /**
     * Answers {@code body} as JSON (a String is taken as JSON already). A body that cannot be
     * written goes to the failure handler, {@link #failure}: thrown here, in a future's success
     * handler, it ended nowhere and the client waited for ever.
     */
    public static void json(RoutingContext ctx, int status, Object body) {
        String text;
        try {
            text = body instanceof String s ? s : JsonBodies.write(body);
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
    }

    /** Every route's failure handler: the error as {@link HttpError} maps it; a 5xx also goes to the log with its cause. */
    public static void failure(RoutingContext ctx) {
        HttpError error = HttpError.of(ctx.failure(), ctx.statusCode());
        if (error.status() >= 500) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        }
        error(ctx, error);
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
