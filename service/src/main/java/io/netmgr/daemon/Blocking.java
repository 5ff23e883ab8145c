package io.netmgr.daemon;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Where controller calls run: a pool of platform threads apart from the event loop. Kernel and
 * store work blocks, and entering a namespace (setns) binds an OS thread, so neither an event
 * loop nor a virtual thread may do it. The controller serializes mutations itself; reads run
 * side by side.
 */
public final class Blocking implements AutoCloseable {
    private final WorkerExecutor workers;

    public Blocking(Vertx vertx, int threads) {
        this.workers = vertx.createSharedWorkerExecutor("netmgr-controller", threads);
    }

    public <T> Future<T> call(Callable<T> work) {
        return workers.executeBlocking(work, false);
    }

    /** Runs {@code work} and answers its result as JSON with {@code status}; a failure goes to the failure handler. */
    public <T> void reply(RoutingContext ctx, int status, Callable<T> work) {
        call(work).onSuccess(result -> Replies.json(ctx, status, result)).onFailure(ctx::fail);
    }

    @Override
    public void close() {
        workers.close();
    }
}
