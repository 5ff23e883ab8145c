package io.netmgr.daemon;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/events}: a chunked response of one JSON event per line, for as long as the
 * client stays. {@code ?type=network} (or endpoint, sandbox) keeps only that kind.
 */
final class EventStream {
    private final Events events;

    EventStream(Events events) {
        this.events = events;
    }

    void handle(RoutingContext ctx) {
        String type = ctx.queryParams().get("type");
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
        response.writeHead(); // the client sees the stream open before the first event
        Context context = Vertx.currentContext();
        Runnable stop = events.subscribe(event -> {
            if (type == null || type.equals(event.type())) {
                String line = JsonBodies.write(event) + "\n";
                context.runOnContext(v -> {
                    if (!response.ended() && !response.closed()) {
                        response.write(line);
                    }
                });
            }
        });
        response.closeHandler(v -> stop.run());
        response.endHandler(v -> stop.run());
    }
}
