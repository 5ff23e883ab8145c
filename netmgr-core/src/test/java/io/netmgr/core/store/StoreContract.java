package io.netmgr.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Store} implementation has: extend it and say how to make a fresh,
 * empty store. Other modules can extend it too (netmgr-core publishes its tests as a test-jar).
 */
@Timeout(60)
public abstract class StoreContract {

    /** A fresh, empty store; the contract closes it. */
    protected abstract Store newStore();

    /**
     * A fresh store that keeps only the changes of its latest {@code revisions} revisions for
     * watchers, or empty when the implementation cannot be configured so (the test is skipped).
     */
    protected Optional<Store> newStoreRetaining(int revisions) {
        return Optional.empty();
    }

    /**
     * Whether a fresh store is at revision 0, as the embedded ones are. A fresh etcd is at 1, and
     * a store that is a key prefix of a shared etcd starts at the cluster's current revision: the
     * cases count revisions from {@link #base}, the store's revision when it was opened.
     */
    protected boolean startsAtRevisionZero() {
        return true;
    }

    /**
     * Whether two puts of one key in one transaction count as one version: etcd refuses a key
     * twice in a transaction, so its store folds them into the last.
     */
    protected boolean foldsRepeatedPutsOfATxn() {
        return false;
    }

    private final List<Store> opened = new ArrayList<>();
    protected Store store;
    /** The revision of {@link #store} when the case began. */
    protected long base;

    @BeforeEach
    void openStore() {
        store = track(newStore());
        base = store.revision();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Store::close);
    }

    protected final Store track(Store s) {
        opened.add(s);
        return s;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    protected final long put(String key, String value) {
        TxnResult result = store.txn().put(key, bytes(value)).commit();
        assertThat(result.succeeded()).isTrue();
        return result.revision();
    }

    private List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(KeyValue::key).toList();
    }

    @Test
    void emptyStoreIsAtRevisionZero() {
        assertThat(store.revision()).isEqualTo(base);
        if (startsAtRevisionZero()) {
            assertThat(base).isZero();
        }
        assertThat(store.get("a")).isEmpty();
        assertThat(store.range("")).isEmpty();
    }

    @Test
    void putCreatesKeyAtItsTxnRevisionWithVersionOne() {
        long rev = put("networks/n1", "v1");

        assertThat(rev).isEqualTo(base + 1);
        assertThat(store.get("networks/n1")).contains(new KeyValue("networks/n1", bytes("v1"), base + 1, base + 1, 1));
    }

    @Test
    void revisionGrowsByOnePerChangingTxnWhateverItsSize() {
        put("a", "1");
        TxnResult result = store.txn().put("b", bytes("2")).put("c", bytes("3")).delete("a").commit();

        assertThat(result).isEqualTo(new TxnResult(true, base + 2));
        assertThat(store.revision()).isEqualTo(base + 2);
        assertThat(store.get("b").orElseThrow().modRevision()).isEqualTo(base + 2);
        assertThat(store.get("c").orElseThrow().modRevision()).isEqualTo(base + 2);
        assertThat(put("d", "4")).isEqualTo(base + 3);
    }

    @Test
    void txnThatChangesNothingKeepsTheRevision() {
        put("a", "1");

        assertThat(store.txn().commit()).isEqualTo(new TxnResult(true, base + 1));
        assertThat(store.txn().delete("absent").deletePrefix("nothing/").commit()).isEqualTo(new TxnResult(true, base + 1));
        assertThat(store.revision()).isEqualTo(base + 1);
    }

    @Test
    void updateKeepsCreateRevisionAndCountsVersions() {
        put("k", "1");
        put("other", "x");
        put("k", "2");
        long rev = put("k", "3");

        assertThat(store.get("k")).contains(new KeyValue("k", bytes("3"), base + 1, rev, 3));
    }

    @Test
    void putAfterDeleteStartsANewLife() {
        put("k", "1");
        put("k", "2");
        store.txn().delete("k").commit();
        long rev = put("k", "3");

        assertThat(store.get("k")).contains(new KeyValue("k", bytes("3"), rev, rev, 1));
    }

    @Test
    void failedConditionChangesNothing() {
        put("a", "1");
        put("b", "1");

        TxnResult result = store.txn()
                .ifPresent("a")
                .ifAbsent("b")
                .put("a", bytes("2"))
                .put("c", bytes("new"))
                .deletePrefix("")
                .commit();

        assertThat(result).isEqualTo(new TxnResult(false, base + 2));
        assertThat(store.revision()).isEqualTo(base + 2);
        assertThat(store.get("a").orElseThrow().valueAsString()).isEqualTo("1");
        assertThat(store.get("c")).isEmpty();
        assertThat(keys(store.range(""))).containsExactly("a", "b");
    }

    @Test
    void conditionsHoldOnTheCurrentState() {
        long rev = put("a", "1");

        assertThat(store.txn().ifPresent("a").ifAbsent("b").ifModRevision("a", rev).put("b", bytes("x")).commit().succeeded())
                .isTrue();
        assertThat(store.txn().ifModRevision("a", rev + 1).put("b", bytes("y")).commit().succeeded()).isFalse();
        assertThat(store.txn().ifPresent("nope").put("b", bytes("z")).commit().succeeded()).isFalse();
        assertThat(store.get("b").orElseThrow().valueAsString()).isEqualTo("x");
    }

    @Test
    void modRevisionZeroMeansAbsent() {
        assertThat(store.txn().ifModRevision("k", 0).put("k", bytes("first")).commit().succeeded()).isTrue();
        assertThat(store.txn().ifModRevision("k", 0).put("k", bytes("second")).commit().succeeded()).isFalse();
        assertThat(store.get("k").orElseThrow().valueAsString()).isEqualTo("first");
    }

    @Test
    void rangeIsInKeyOrderAndPrefixExact() {
        for (String key : List.of("net/b", "net0", "net/a/x", "ne", "net/", "net", "net/a", "nf", "net/\u00e9", "net/~")) {
            put(key, key);
        }

        assertThat(keys(store.range("net/"))).containsExactly("net/", "net/a", "net/a/x", "net/b", "net/~", "net/\u00e9");
        assertThat(keys(store.range("net/a"))).containsExactly("net/a", "net/a/x");
        assertThat(keys(store.range("zz"))).isEmpty();
        assertThat(keys(store.range(""))).hasSize(10).startsWith("ne", "net", "net/").endsWith("net0", "nf");
    }

    @Test
    void deletePrefixRemovesOnlyKeysUnderIt() {
        for (String key : List.of("ep/1", "ep/2", "ep/2/x", "ep", "ep0", "eq")) {
            put(key, key);
        }

        TxnResult result = store.txn().deletePrefix("ep/").commit();

        assertThat(result).isEqualTo(new TxnResult(true, base + 7));
        assertThat(keys(store.range(""))).containsExactly("ep", "ep0", "eq");
    }

    @Test
    void operationsApplyInOrderWithinOneTxn() {
        TxnResult result = store.txn().put("a", bytes("1")).put("a", bytes("2")).delete("b").put("b", bytes("3")).commit();

        assertThat(store.get("a")).contains(new KeyValue("a", bytes("2"), result.revision(), result.revision(), foldsRepeatedPutsOfATxn() ? 1 : 2));
        assertThat(store.get("b").orElseThrow().valueAsString()).isEqualTo("3");
    }

    @Test
    void storedValuesAreNotSharedWithCallers() {
        byte[] value = bytes("abc");
        store.txn().put("k", value).commit();
        value[0] = 'X';
        store.get("k").orElseThrow().value()[1] = 'Y';

        assertThat(store.get("k").orElseThrow().valueAsString()).isEqualTo("abc");
    }

    @Test
    void keysUpToTheLimitAreTakenAndLongerOnesRefused() {
        String longest = "k".repeat(Store.MAX_KEY_BYTES - 2) + "\u00e9";
        String tooLong = "k".repeat(Store.MAX_KEY_BYTES);
        put(longest, "ok");

        assertThatThrownBy(() -> store.txn().ifAbsent(tooLong + "x").put("other", bytes("v")).commit())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("512 bytes in UTF-8; keys take up to 511 bytes");
        assertThat(store.get(longest).orElseThrow().valueAsString()).isEqualTo("ok");
        assertThat(store.range(longest)).hasSize(1);
        assertThat(store.get(tooLong + "x")).isEmpty();
        assertThat(store.range(tooLong + "x")).isEmpty();
        assertThat(store.get("other")).isEmpty();
    }

    @Test
    void txnCommitsOnlyOnce() {
        Txn txn = store.txn().put("k", bytes("v"));
        txn.commit();

        assertThatThrownBy(txn::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> txn.put("x", bytes("y"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentCompareAndSwapIncrementsLoseNothing() throws Exception {
        int threads = 4;
        int increments = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        StoreCounter.increment(store, "counter");
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        KeyValue counter = store.get("counter").orElseThrow();
        assertThat(counter.valueAsString()).isEqualTo(String.valueOf(threads * increments));
        assertThat(counter.version()).isEqualTo(threads * increments);
        assertThat(store.revision()).isEqualTo(base + threads * increments);
    }

    @Test
    void watchDeliversEventsInOrderAfterTheRevision() {
        put("n/a", "1");
        long after = put("n/b", "1");
        put("n/a", "2");
        Events events = new Events();

        try (Watch w = store.watch("n/", after, events)) {
            long rev = store.txn().delete("n/b").put("n/c", bytes("3")).commit().revision();

            assertThat(events.next()).isEqualTo(new WatchEvent(WatchEvent.Type.PUT, new KeyValue("n/a", bytes("2"), base + 1, base + 3, 2), base + 3));
            assertThat(events.next()).isEqualTo(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue("n/b", bytes("1"), base + 2, base + 2, 1), rev));
            assertThat(events.next()).isEqualTo(new WatchEvent(WatchEvent.Type.PUT, new KeyValue("n/c", bytes("3"), rev, rev, 1), rev));
        }
    }

    @Test
    void watchSeesOnlyItsPrefix() {
        Events events = new Events();
        try (Watch w = store.watch("n/", store.revision(), events)) {
            put("n", "no");
            put("m/a", "no");
            put("n0", "no");
            long rev = put("n/x", "yes");

            assertThat(events.next().revision()).isEqualTo(rev);
            events.assertNoMore();
        }
    }

    @Test
    void watchSeesEveryKeyOfADeletePrefix() {
        put("p/1", "a");
        put("p/2", "b");
        Events events = new Events();
        try (Watch w = store.watch("p/", store.revision(), events)) {
            long rev = store.txn().deletePrefix("p/").commit().revision();

            assertThat(List.of(events.next(), events.next())).extracting(e -> e.kv().key() + " " + e.type() + " " + e.revision())
                    .containsExactly("p/1 DELETE " + rev, "p/2 DELETE " + rev);
        }
    }

    @Test
    void closedWatchGetsNothingMore() {
        Events closed = new Events();
        Watch watch = store.watch("k", base, closed);
        put("k", "1");
        assertThat(closed.next().kv().valueAsString()).isEqualTo("1");

        watch.close();
        Events sentinel = new Events();
        try (Watch w = store.watch("k", store.revision(), sentinel)) {
            put("k", "2");
            assertThat(sentinel.next().kv().valueAsString()).isEqualTo("2");
        }
        closed.assertNoMore();
    }

    @Test
    void listenerMayCloseItsOwnWatch() {
        LinkedBlockingQueue<WatchEvent> seen = new LinkedBlockingQueue<>();
        Watch[] self = new Watch[1];
        self[0] = store.watch("k", base, e -> {
            seen.add(e);
            self[0].close();
        });
        put("k", "1");
        put("k", "2");
        Events sentinel = new Events();
        try (Watch w = store.watch("k", base, sentinel)) {
            sentinel.next();
            sentinel.next();
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void failingListenerDoesNotStopOtherWatches() {
        try (Watch bad = store.watch("", base, e -> {
            throw new IllegalStateException("listener bug (expected by the test)");
        })) {
            Events events = new Events();
            try (Watch good = store.watch("", base, events)) {
                put("a", "1");
                put("b", "2");
                assertThat(events.next().kv().key()).isEqualTo("a");
                assertThat(events.next().kv().key()).isEqualTo("b");
            }
        }
    }

    @Test
    void watchOfCompactedRevisionFailsClearly() {
        Optional<Store> small = newStoreRetaining(3);
        assumeTrue(small.isPresent(), "this store's retention cannot be configured");
        store = track(small.get());
        base = store.revision();
        for (int i = 0; i < 5; i++) {
            put("k", String.valueOf(i));
        }

        assertThatThrownBy(() -> store.watch("", base + 1, e -> { }))
                .isInstanceOf(CompactedRevisionException.class)
                .hasMessageContaining("after revision " + (base + 1))
                .satisfies(e -> assertThat(((CompactedRevisionException) e).oldestRetained()).isEqualTo(base + 3));
        Events events = new Events();
        try (Watch w = store.watch("", base + 2, events)) {
            assertThat(events.next().revision()).isEqualTo(base + 3);
            assertThat(events.next().revision()).isEqualTo(base + 4);
            assertThat(events.next().revision()).isEqualTo(base + 5);
        }
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();

        assertThatThrownBy(() -> store.get("k")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.txn().put("k", bytes("v")).commit()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.watch("", base, e -> { })).isInstanceOf(IllegalStateException.class);
    }

    /** Whether the store has leases; the lease cases are skipped when not, and the refusal checked instead. */
    protected boolean hasLeases() {
        return false;
    }

    /**
     * Makes {@code lease}'s holder stop keeping it alive, as if it died, and lets its TTL pass (or
     * start passing: the cases wait, with a deadline, for what expiry does).
     */
    protected void lapse(Lease lease) {
        throw new UnsupportedOperationException("lapse needs leases");
    }

    /** The TTL the lease cases grant: short, for stores that expire leases in real time. */
    protected Duration leaseTtl() {
        return Duration.ofSeconds(2);
    }

    private static final Runnable NOT_LOST = () -> { };

    @Test
    void theKeysUnderALeaseAreListedUntilItEnds() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        Lease other = store.grantLease(leaseTtl(), NOT_LOST);
        store.txn().put("k/a", bytes("1"), lease).put("k/b", bytes("2"), lease).put("k/c", bytes("3"), other).put("k/d", bytes("4")).commit();
        store.txn().put("k/b", bytes("5")).commit(); // put again without the lease: no longer under it

        assertThat(store.keysUnder(lease.id())).containsExactly("k/a");
        assertThat(store.keysUnder(other.id())).containsExactly("k/c");
        lease.close();
        assertThat(store.keysUnder(lease.id())).isEmpty();
        other.close();
    }

    @Test
    void closingALeaseDeletesItsKeysInOneRevision() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        store.txn().put("l/a", bytes("1"), lease).put("l/b", bytes("2"), lease).put("l/c", bytes("3")).commit();
        Events events = new Events();
        try (Watch w = store.watch("l/", store.revision(), events)) {
            assertThat(lease.alive()).isTrue();
            lease.close();
            lease.close();

            WatchEvent a = events.next();
            WatchEvent b = events.next();
            assertThat(List.of(a, b)).extracting(e -> e.type() + " " + e.kv().key()).containsExactly("DELETE l/a", "DELETE l/b");
            assertThat(a.revision()).isEqualTo(b.revision()).isEqualTo(store.revision());
            assertThat(keys(store.range("l/"))).containsExactly("l/c");
            assertThat(lease.alive()).isFalse();
            events.assertNoMore();
        }
    }

    @Test
    void aPutWithoutTheLeaseTakesTheKeyFromIt() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        store.txn().put("l/a", bytes("1"), lease).commit();
        store.txn().put("l/a", bytes("2")).commit();

        lease.close();

        assertThat(store.get("l/a").orElseThrow().valueAsString()).isEqualTo("2");
    }

    @Test
    void aPutWithAnOptionalLeaseIsHeldUnderItOnlyWhenOneIsGiven() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        store.txn().put("o/held", bytes("1"), Optional.of(lease)).put("o/lasting", bytes("2"), Optional.empty()).commit();

        assertThat(store.keysUnder(lease.id())).containsExactly("o/held");
        lease.close();
        assertThat(keys(store.range("o/"))).containsExactly("o/lasting");
    }

    @Test
    void aPutUnderAClosedLeaseFailsAndChangesNothing() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        lease.close();
        long before = store.revision();

        assertThatThrownBy(() -> store.txn().put("l/a", bytes("1")).put("l/b", bytes("1"), lease).commit())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("lease");
        assertThat(store.revision()).isEqualTo(before);
        assertThat(store.range("l/")).isEmpty();
    }

    @Test
    void aLapsedLeaseTakesItsKeysAndCannotBeResumed() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        store.txn().put("l/a", bytes("1"), lease).put("l/b", bytes("2")).commit();
        Events events = new Events();
        try (Watch w = store.watch("l/", store.revision(), events)) {
            lapse(lease);

            WatchEvent gone = events.next();
            assertThat(gone.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(gone.kv().key()).isEqualTo("l/a");
            assertThat(store.resumeLease(lease.id(), leaseTtl(), NOT_LOST)).isEmpty();
            assertThat(keys(store.range("l/"))).containsExactly("l/b");
        }
    }

    @Test
    void aLiveLeaseIsResumedWithItsKeys() {
        assumeTrue(hasLeases(), "this store has no leases");
        Lease lease = store.grantLease(leaseTtl(), NOT_LOST);
        long rev = store.txn().put("l/a", bytes("1"), lease).commit().revision();

        Lease resumed = store.resumeLease(lease.id(), leaseTtl(), NOT_LOST).orElseThrow();

        assertThat(resumed.id()).isEqualTo(lease.id());
        assertThat(resumed.alive()).isTrue();
        assertThat(store.get("l/a").orElseThrow().modRevision()).isEqualTo(rev);
        assertThat(store.resumeLease(lease.id() + 1_000_000, leaseTtl(), NOT_LOST)).isEmpty();
        resumed.close();
        assertThat(store.get("l/a")).isEmpty();
    }

    @Test
    void aStoreWithoutLeasesRefusesThemClearly() {
        assumeTrue(!hasLeases(), "this store has leases");
        Lease foreign = new Lease() {
            @Override
            public long id() {
                return 7;
            }

            @Override
            public Duration ttl() {
                return Duration.ofSeconds(2);
            }

            @Override
            public boolean alive() {
                return true;
            }

            @Override
            public void close() {
            }
        };

        assertThatThrownBy(() -> store.grantLease(Duration.ofSeconds(2), NOT_LOST))
                .isInstanceOf(StoreException.class).hasMessage("leases need a cluster store (--cluster-store)");
        assertThatThrownBy(() -> store.resumeLease(7, Duration.ofSeconds(2), NOT_LOST))
                .isInstanceOf(StoreException.class).hasMessage("leases need a cluster store (--cluster-store)");
        assertThatThrownBy(() -> store.txn().put("k", bytes("v"), foreign).commit())
                .isInstanceOf(StoreException.class).hasMessage("leases need a cluster store (--cluster-store)");
        assertThat(store.get("k")).isEmpty();
    }

    /** A watch listener that queues events for a test to take, waiting a bounded time. */
    public static final class Events implements java.util.function.Consumer<WatchEvent> {
        private static final Duration WAIT = Duration.ofSeconds(10);
        private static final Duration QUIET = Duration.ofMillis(200);
        private final LinkedBlockingQueue<WatchEvent> queue = new LinkedBlockingQueue<>();

        public Events() {
        }

        @Override
        public void accept(WatchEvent event) {
            queue.add(event);
        }

        public WatchEvent next() {
            try {
                WatchEvent event = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(event).as("a watch event within " + WAIT).isNotNull();
                return event;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        public void assertNoMore() {
            try {
                assertThat(queue.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
