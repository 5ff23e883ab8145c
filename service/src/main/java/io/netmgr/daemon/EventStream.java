package io.netmgr.daemon;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Events as a chunked response of one JSON line each, for both event APIs: netmgr's
 * {@code GET /v1/events} ({@code ?type=network}, endpoint or sandbox keeps one kind) and
 * Docker's {@code GET /events}, which renders its own lines. With {@code since} or
 * {@code until} the kept events of that window come first, as dockerd sends them; the
 * stream then stays open until {@code until} passes or the client leaves, and ends at once
 * when {@code until} is already past.
 */
public final class EventStream {
    private final Events events;

    public EventStream(Events events) {
        this.events = events;
    }

    /** {@code GET /v1/events}. */
    void handle(RoutingContext ctx) {
        String type = ctx.queryParams().get("type");
        if (type != null && !Event.TYPES.contains(type)) {
            Replies.error(ctx, new HttpError(400, "unknown event type \"" + type + "\"; use " + String.join(", ", Event.TYPES)));
            return;
        }
        serve(ctx, Window.of(ctx.queryParams().get("since"), ctx.queryParams().get("until"), Instant.now()),
                "application/x-ndjson", e -> type == null || type.equals(e.type()) ? Optional.of(JsonBodies.write(e)) : Optional.empty());
    }

    /**
     * Streams to {@code ctx} the events of {@code window} for which {@code line} gives a line
     * (without its newline); {@code line} runs on the publisher's thread and must not block.
     */
    public void serve(RoutingContext ctx, Window window, String contentType, Function<Event, Optional<String>> line) {
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", contentType);
        response.writeHead(); // the client sees the stream open before the first event
        if (window.isPast(Instant.now())) {
            for (Event e : events.kept(window::replays)) {
                line.apply(e).ifPresent(l -> response.write(l + "\n"));
            }
            response.end();
            return;
        }
        Context context = Vertx.currentContext();
        Runnable stop = events.subscribe(window::replays, e -> line.apply(e).ifPresent(l -> context.runOnContext(v -> {
            if (!response.ended() && !response.closed()) {
                response.write(l + "\n");
            }
        })));
        Optional<Long> timer = window.until().map(until -> ctx.vertx().setTimer(
                Math.max(1, Duration.between(Instant.now(), until).toMillis()), id -> {
                    stop.run();
                    if (!response.ended() && !response.closed()) {
                        response.end();
                    }
                }));
        Runnable done = () -> {
            stop.run();
            timer.ifPresent(ctx.vertx()::cancelTimer);
        };
        response.closeHandler(v -> done.run());
        response.endHandler(v -> done.run());
    }

    /** The {@code since} and {@code until} of a request, either open. */
    public record Window(Optional<Instant> since, Optional<Instant> until) {

        /** From the query parameters (null or blank: open), refusing a window that ends before it starts, in dockerd's words. */
        public static Window of(String since, String until, Instant now) {
            Window w = new Window(instant("'since'", since, now), instant("'until'", until, now));
            if (w.since.isPresent() && w.until.isPresent() && w.since.get().isAfter(w.until.get())) {
                throw new IllegalArgumentException("`since` time (" + since + ") cannot be after `until` time (" + until + ")");
            }
            return w;
        }

        private static Optional<Instant> instant(String what, String value, Instant now) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(Timestamps.parse(what, value, now));
        }

        /** Whether a kept event is sent: only when the window has a bound, and then when it lies within it (as dockerd replays). */
        boolean replays(Event e) {
            if (since.isEmpty() && until.isEmpty()) {
                return false;
            }
            Instant t = e.instant();
            return since.map(s -> !t.isBefore(s)).orElse(true) && until.map(u -> !t.isAfter(u)).orElse(true);
        }

        /** Whether the window ended before {@code now}: then only kept events are sent. */
        boolean isPast(Instant now) {
            return until.map(u -> u.isBefore(now)).orElse(false);
        }
    }
}
