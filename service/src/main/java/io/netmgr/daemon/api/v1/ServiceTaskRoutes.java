package io.netmgr.daemon.api.v1;

import static io.netmgr.daemon.JsonBodies.STRICT;
import static io.netmgr.daemon.JsonBodies.read;

import io.netmgr.daemon.Blocking;
import io.netmgr.daemon.JsonBodies;
import io.netmgr.daemon.task.LogStream;
import io.netmgr.daemon.task.ServiceTasks;
import io.netmgr.daemon.task.TaskLogs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks netmgrd runs for a service under {@code /v1/services/{ref}}: {@code POST .../scale}
 * ({@code {"replicas": N}}), {@code GET .../tasks} (what {@code service ps} shows of them) and
 * {@code GET .../logs} (one JSON line per output line, {@code {"task": "web.1", "line": ...}};
 * {@code ?tail=N}, {@code ?task=SLOT}, {@code ?follow=true} keeps the stream open).
 */
public final class ServiceTaskRoutes {
    private static final long FOLLOW_PERIOD_MS = 200;

    private final ServiceTasks tasks;
    private final Blocking blocking;

    public ServiceTaskRoutes(ServiceTasks tasks, Blocking blocking) {
        this.tasks = tasks;
        this.blocking = blocking;
    }

    /** {@code POST /v1/services/{ref}/scale}. */
    record Scale(Integer replicas) {
    }

    public void mount(Router r) {
        r.post("/v1/services/:ref/scale").handler(ctx -> blocking.reply(ctx, 200, () -> {
            Scale body = read(STRICT, ctx.body().asString(), Scale.class);
            if (body == null || body.replicas() == null) {
                throw new IllegalArgumentException("replicas: missing; send {\"replicas\": N}");
            }
            var service = tasks.scale(ctx.pathParam("ref"), body.replicas());
            return Map.of("service", service.name(), "replicas", body.replicas());
        }));
        r.get("/v1/services/:ref/tasks").handler(ctx -> blocking.reply(ctx, 200, () -> tasks.tasks(ctx.pathParam("ref"))));
        r.get("/v1/services/:ref/logs").handler(this::logs);
    }

    private void logs(RoutingContext ctx) {
        boolean follow = flag(ctx, "follow");
        int tail = number(ctx, "tail", -1);
        int slot = number(ctx, "task", 0);
        if (ctx.queryParams().contains("task") && slot < 1) {
            throw new IllegalArgumentException("query task=" + slot + ": tasks count from 1 (SERVICE.1, SERVICE.2...)");
        }
        blocking.call(() -> {
            LogStream stream = tasks.logs(ctx.pathParam("ref"), slot > 0 ? Optional.of(slot) : Optional.empty(), tail, follow);
            try {
                return new Opened(stream, stream.poll());
            } catch (RuntimeException e) {
                stream.close();
                throw e;
            }
        }).onFailure(ctx::fail).onSuccess(opened -> {
            HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
            write(response, opened.first());
            if (!follow && opened.stream().complete()) {
                close(opened.stream());
                response.end();
                return;
            }
            response.closeHandler(v -> close(opened.stream())); // the client left: other hosts stop answering
            if (!response.headWritten()) {
                response.writeHead(); // the client learns the stream is open even before a first line
            }
            pump(ctx.vertx(), response, opened.stream(), follow);
        });
    }

    /**
     * New lines read on a worker FOLLOW_PERIOD_MS after the last read ended, until the stream is
     * complete (not following: other hosts' answers take a moment) or the client leaves: one read
     * at a time, since a stream is not thread-safe and a slow read (a long burst of lines) must not
     * overlap the next.
     */
    private void pump(Vertx vertx, HttpServerResponse response, LogStream stream, boolean follow) {
        if (response.ended() || response.closed()) {
            close(stream);
            return;
        }
        vertx.setTimer(FOLLOW_PERIOD_MS, id -> {
            if (response.writeQueueFull()) {
                // a client slower than the tasks: nothing more is read until it has taken what was written (other hosts wait too)
                pump(vertx, response, stream, follow);
                return;
            }
            blocking.call(stream::poll).onSuccess(lines -> write(response, lines)).onComplete(read -> {
                // following, a failed read (the cluster store out of reach) is tried again; else it ends the answer
                if (!follow && (read.failed() || stream.complete())) {
                    close(stream);
                    if (!response.ended() && !response.closed()) {
                        response.end();
                    }
                    return;
                }
                pump(vertx, response, stream, follow);
            });
        });
    }

    // on a worker: it may talk to the cluster store
    private void close(LogStream stream) {
        blocking.call(() -> {
            stream.close();
            return null;
        });
    }

    private record Opened(LogStream stream, List<TaskLogs.TaskLine> first) {
    }

    private static void write(HttpServerResponse response, List<TaskLogs.TaskLine> lines) {
        if (lines.isEmpty() || response.ended() || response.closed()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(JsonBodies.write(l)).append('\n'));
        response.write(b.toString());
    }

    private static boolean flag(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.equals("false") || v.equals("0")) {
            return false;
        }
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        throw new IllegalArgumentException("query " + name + "=" + v + ": give true or false");
    }

    private static int number(RoutingContext ctx, String name, int absent) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return absent;
        }
        if (!v.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("query " + name + "=" + v + ": give a whole number of 0 or more");
        }
        return Integer.parseInt(v);
    }
}
