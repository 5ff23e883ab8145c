package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the controller's mutations: within the process by a reentrant lock, and, when a
 * lock file is given, across every process sharing the store (the daemon, CNI plugin runs, the
 * CLI) by an exclusive {@code flock} on that file. Without it, a short-lived process starting
 * while another is half-way through a join would see that join's new links as leftovers.
 * The kernel drops a flock when its holder dies, so a process killed with the lock held never
 * blocks the others.
 *
 * <p>{@code afterAcquire} runs when the outermost hold begins (the controller brings its
 * firewall in line with the store there) and {@code beforeRelease} when it ends.
 */
final class HostLock {
    // one JVM holds a file lock once: controllers of one process sharing a lock file (tests,
    // an engine embedding two) take turns on one in-process lock per file first
    private static final Map<Path, ReentrantLock> LOCAL_PER_FILE = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final Optional<Path> file;
    private final Runnable afterAcquire;
    private final Runnable beforeRelease;
    private FileChannel channel;
    private FileLock held;

    HostLock(Optional<Path> file, Runnable afterAcquire, Runnable beforeRelease) {
        this.file = file.map(f -> f.toAbsolutePath().normalize());
        this.local = this.file.map(f -> LOCAL_PER_FILE.computeIfAbsent(f, k -> new ReentrantLock()))
                .orElseGet(ReentrantLock::new);
        this.afterAcquire = afterAcquire;
        this.beforeRelease = beforeRelease;
    }

    /** Waits for the lock; {@link Held#close} releases it. Reentrant within a thread. */
    Held acquire() {
        local.lock();
        boolean outermost = local.getHoldCount() == 1;
        if (outermost && file.isPresent()) {
            try {
                if (channel == null) {
                    Files.createDirectories(file.get().getParent());
                    channel = FileChannel.open(file.get(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                }
                held = channel.lock();
            } catch (IOException | RuntimeException e) {
                local.unlock();
                throw new NetmgrException(NetmgrException.Kind.FORBIDDEN, "cannot lock " + file.get()
                        + ", which netmgr processes sharing a store use to take turns: " + e.getMessage()
                        + "; check that the state directory is writable (run as root)", e);
            }
        }
        Held hold = new Held(outermost);
        if (outermost) {
            try {
                afterAcquire.run();
            } catch (RuntimeException e) {
                hold.release();
                throw e;
            }
        }
        return hold;
    }

    /** One hold of the lock; {@code outermost} when no other hold of this thread encloses it. */
    final class Held implements AutoCloseable {
        private final boolean outermost;

        private Held(boolean outermost) {
            this.outermost = outermost;
        }

        boolean outermost() {
            return outermost;
        }

        @Override
        public void close() {
            try {
                if (outermost) {
                    beforeRelease.run();
                }
            } finally {
                release();
            }
        }

        private void release() {
            try {
                if (outermost && held != null) {
                    held.release();
                    held = null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("release " + file.orElseThrow(), e);
            } finally {
                local.unlock();
            }
        }
    }

    void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
