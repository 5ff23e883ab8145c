package io.netmgr.daemon.task;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link TaskSupervisor#tick()} on a platform thread of its own every {@code period}, so
 * exited tasks are noticed and restarted whether or not anyone calls the API.
 */
public final class TaskLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);

    private final Thread thread;
    private volatile boolean running = true;

    public TaskLoop(TaskSupervisor supervisor, Duration period) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    supervisor.tick();
                } catch (RuntimeException e) {
                    LOG.warn("task supervision round failed (tried again in {} ms): {}", period.toMillis(), e.getMessage());
                }
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "netmgrd-tasks");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops watching; the tasks keep running and the next netmgrd adopts them. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
