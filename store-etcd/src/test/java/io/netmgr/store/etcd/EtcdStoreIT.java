package io.netmgr.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.store.CompactedRevisionException;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoreContract;
import io.netmgr.core.store.StoreException;
import io.netmgr.core.store.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real one-member etcd; each case in its own key prefix of the shared cluster. */
class EtcdStoreIT extends StoreContract {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1);
    private static final AtomicInteger CASES = new AtomicInteger();

    @Override
    protected Store newStore() {
        return ETCD.store("/contract/" + CASES.incrementAndGet() + "/");
    }

    @Override
    protected boolean startsAtRevisionZero() {
        return false;
    }

    @Override
    protected boolean foldsRepeatedPutsOfATxn() {
        return true;
    }

    @Override
    protected boolean hasLeases() {
        return true;
    }

    @Override
    protected void lapse(Lease lease) {
        ((EtcdStore) store).stopKeepAlive(lease.id());
    }

    @Test
    void aKeyDeletedAndPutAgainInOneTxnAndAPutUnderADeletedPrefixWork() {
        put("p/a", "1");
        put("p/b", "1");
        put("q", "1");

        store.txn().deletePrefix("p/").put("p/b", bytes("2")).delete("q").put("q", bytes("3")).put("p/c", bytes("4")).commit();

        assertThat(store.range("p/")).extracting(kv -> kv.key() + "=" + kv.valueAsString()).containsExactly("p/b=2", "p/c=4");
        assertThat(store.get("q").orElseThrow().valueAsString()).isEqualTo("3");
    }

    @Test
    void aStoreWithoutARootSeesTheWholeKeySpace() {
        try (Store whole = ETCD.store("")) {
            long rev = whole.txn().put("/root-test/k", bytes("v")).commit().revision();

            assertThat(whole.revision()).isGreaterThanOrEqualTo(rev);
            assertThat(whole.range("/root-test/")).extracting(kv -> kv.key()).containsExactly("/root-test/k");
            assertThat(whole.range("")).extracting(kv -> kv.key()).contains("/root-test/k");
            whole.txn().deletePrefix("/root-test/").commit();
            assertThat(whole.get("/root-test/k")).isEmpty();
        }
    }

    @Test
    void compactedChangesAreReportedAtWatchTime() {
        put("c/k", "1");
        long first = put("c/k", "2");
        put("c/k", "3");
        long last = put("c/k", "4");
        ((EtcdStore) store).compact(last);

        assertThatThrownBy(() -> store.watch("c/", first, e -> { }))
                .isInstanceOf(CompactedRevisionException.class)
                .hasMessageContaining("after revision " + first)
                .satisfies(e -> assertThat(((CompactedRevisionException) e).oldestRetained()).isEqualTo(last));
        Events events = new Events();
        try (Watch w = store.watch("c/", last, events)) {
            long next = put("c/k", "5");
            assertThat(events.next().revision()).isEqualTo(next);
        }
    }

    @Test
    void aLeaseRevokedElsewhereIsLostAndItsHolderTold() throws Exception {
        CountDownLatch lost = new CountDownLatch(1);
        Lease lease = store.grantLease(Duration.ofSeconds(2), lost::countDown);
        try (Store other = ETCD.store("/contract/other/")) {
            other.resumeLease(lease.id(), Duration.ofSeconds(2), () -> { }).orElseThrow().close();
        }

        assertThat(lost.await(20, TimeUnit.SECONDS)).as("onLost within 20 s").isTrue();
        assertThat(lease.alive()).isFalse();
    }

    @Test
    void anUnreachableEtcdFailsFastAndClearly() {
        EtcdEndpoints nobody = EtcdEndpoints.parse("etcd://127.0.0.1:1");
        long start = System.nanoTime();

        assertThatThrownBy(() -> EtcdStore.connect(new EtcdStore.Config(nobody)))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cluster store unavailable: etcd://127.0.0.1:1: ");
        // not a timed assertion of speed: only that the bounded deadline, not a hang, ended it
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void watchListenersRunOneAtATimeInRevisionOrder() throws Exception {
        CompletableFuture<Long> outOfOrder = new CompletableFuture<>();
        AtomicInteger running = new AtomicInteger();
        long[] lastSeen = {base};
        CountDownLatch all = new CountDownLatch(20);
        try (Watch w = store.watch("o/", base, e -> {
            if (running.incrementAndGet() > 1 || e.revision() <= lastSeen[0]) {
                outOfOrder.complete(e.revision());
            }
            lastSeen[0] = e.revision();
            running.decrementAndGet();
            all.countDown();
        })) {
            for (int i = 0; i < 20; i++) {
                put("o/" + (i % 3), String.valueOf(i));
            }
            assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(outOfOrder).isNotDone();
    }

    @Test
    void markersLeftByAStoreKilledBeforeItsNextWriteAreSweptOnceOld() {
        String root = "/markers/" + CASES.incrementAndGet() + "/";
        try (EtcdStore killed = ETCD.store(root); EtcdStore whole = ETCD.store("")) {
            for (int i = 0; i < 3; i++) {
                killed.txn().put("k" + i, bytes("v")).commit();
            }
            // the last write's marker waits for a next write that a daemon killed never makes
            List<String> young = markers(whole, root);
            assertThat(young).hasSize(1);
            // and one a daemon killed long ago left, older than the sweep's threshold
            String old = root + TxnMarkers.PREFIX + "killed-long-ago/1";
            long longAgo = System.currentTimeMillis() - TxnMarkers.SWEEP_AGE.toMillis() - Duration.ofMinutes(1).toMillis();
            whole.txn().put(old, TxnMarkers.value(longAgo)).commit();
            assertThat(markers(whole, root)).hasSize(2);

            try (EtcdStore restarted = ETCD.store(root)) { // connecting sweeps the old marker, and only it
                assertThat(markers(whole, root)).as("the old marker swept at connect, the young one kept").isEqualTo(young);
                assertThat(restarted.sweepMarkers(Duration.ofMinutes(10))).isZero();

                assertThat(restarted.sweepMarkers(Duration.ZERO)).isEqualTo(1);
                assertThat(markers(whole, root)).isEmpty();
                assertThat(restarted.range("")).extracting(kv -> kv.key()).containsExactly("k0", "k1", "k2");
            }
        }
    }

    private static java.util.List<String> markers(EtcdStore whole, String root) {
        return whole.range(root).stream().map(kv -> kv.key()).filter(key -> key.startsWith(root + TxnMarkers.PREFIX)).toList();
    }

    @Test
    void aPrefixOfKeysLargerThanGrpcsDefaultMessageIsReadDeletedInOneTxnAndWatchedWhole() throws Exception {
        // 12,000 keys of 512 bytes: each answer (the range, the delete's, the watch's one revision) ~7 MB, over gRPC's 4 MiB default
        int keys = 12_000;
        byte[] value = new byte[512];
        java.util.Arrays.fill(value, (byte) 'x');
        for (int from = 0; from < keys; from += 100) { // etcd caps a request's operations and bytes: written in chunks
            var txn = store.txn();
            for (int i = from; i < from + 100; i++) {
                txn.put(String.format("big/%05d", i), value);
            }
            txn.commit();
        }
        assertThat(store.range("big/")).hasSize(keys);
        AtomicInteger deleted = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        try (Watch watch = store.watch("big/", store.revision(), event -> {
            if (event.type() == io.netmgr.core.store.WatchEvent.Type.DELETE && deleted.incrementAndGet() == keys) {
                all.countDown();
            }
        })) {
            store.txn().deletePrefix("big/").commit();

            assertThat(store.range("big/")).isEmpty();
            assertThat(all.await(60, TimeUnit.SECONDS)).as("the one revision's %d deletions delivered, %d so far", keys, deleted.get()).isTrue();
        }
    }
}
