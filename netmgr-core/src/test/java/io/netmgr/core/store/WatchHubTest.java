package io.netmgr.core.store;

import static io.netmgr.netlink.testing.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hub's polling: slower while nothing changes, back to its first interval when something does. */
class WatchHubTest {
    private static final long POLL_MILLIS = 5;

    /** A change log whose revision the test moves; records when the hub looked. */
    private static final class Log implements ChangeLog {
        final AtomicLong revision = new AtomicLong();
        final List<Long> looks = new CopyOnWriteArrayList<>();

        @Override
        public long revision() {
            looks.add(System.nanoTime());
            return revision.get();
        }

        @Override
        public List<WatchEvent> eventsAfter(long afterRevision, int maxRevisions) {
            List<WatchEvent> events = new ArrayList<>();
            for (long r = afterRevision + 1; r <= Math.min(revision.get(), afterRevision + maxRevisions); r++) {
                events.add(new WatchEvent(WatchEvent.Type.PUT, new KeyValue("k/" + r, new byte[0], r, r, 1), r));
            }
            return events;
        }
    }

    @Test
    void waitsLongerWhileNothingChangesUpToItsSlowestInterval() throws InterruptedException {
        Log log = new Log();
        try (WatchHub hub = new WatchHub(log, POLL_MILLIS, TimeUnit.MILLISECONDS, "watch-hub-test")) {
            hub.add("k/", 0, e -> { }, e -> { });
            awaitLooks(log, 8);
            List<Long> looks = List.copyOf(log.looks);
            // a park never returns early but for a wake, so the gaps' lower bounds hold under any load
            for (int i = 2; i < 8; i++) {
                long expected = POLL_MILLIS * Math.min(1L << (i - 1), WatchHub.SLOWEST_POLL_FACTOR);
                assertThat(TimeUnit.NANOSECONDS.toMillis(looks.get(i) - looks.get(i - 1)))
                        .as("gap before look %d", i).isGreaterThanOrEqualTo(expected - 1);
            }
        }
    }

    @Test
    void aWakeDeliversTheChangeWhilePollingSlowly() throws InterruptedException {
        Log log = new Log();
        List<WatchEvent> delivered = new CopyOnWriteArrayList<>();
        try (WatchHub hub = new WatchHub(log, POLL_MILLIS, TimeUnit.MILLISECONDS, "watch-hub-test")) {
            hub.add("k/", 0, delivered::add, e -> { });
            awaitLooks(log, 7); // slow by now
            log.revision.set(1);
            hub.wake(); // a commit of this process
            waitFor("the change", Duration.ofSeconds(10), () -> !delivered.isEmpty());
            assertThat(delivered).extracting(WatchEvent::revision).containsExactly(1L);
        }
    }

    private static void awaitLooks(Log log, int n) {
        waitFor(n + " looks", Duration.ofSeconds(20), () -> log.looks.size() >= n);
    }
}
