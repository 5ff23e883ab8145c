package io.netmgr.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A host listener that records what it is told ("up a", "gone a", "resync"), for a test to take in order within a deadline. */
public final class HostEvents implements HostListener {
    private final LinkedBlockingQueue<String> calls = new LinkedBlockingQueue<>();

    @Override
    public void hostUp(HostInfo host) {
        calls.add("up " + host.hostname());
    }

    @Override
    public void hostGone(HostInfo host) {
        calls.add("gone " + host.hostname());
    }

    @Override
    public void resync() {
        calls.add("resync");
    }

    /** The next call, waiting up to 30 s for it. */
    public String next() {
        try {
            String call = calls.poll(30, TimeUnit.SECONDS);
            assertThat(call).as("a host listener call within 30 s").isNotNull();
            return call;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Nothing more for a short while. */
    public void assertNone() {
        try {
            assertThat(calls.poll(300, TimeUnit.MILLISECONDS)).isNull();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
