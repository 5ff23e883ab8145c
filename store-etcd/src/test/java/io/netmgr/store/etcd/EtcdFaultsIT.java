package io.netmgr.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.cluster.HostEvents;
import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.StoreContract.Events;
import io.netmgr.core.store.StoreException;
import io.netmgr.core.store.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.TxnResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real three-member etcd losing members and its quorum, and hosts whose daemons die. */
@Timeout(300)
class EtcdFaultsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(3);

    @AfterEach
    void everyMemberBack() {
        ETCD.restartDead();
    }

    @Test
    void aWatchGoesOnAcrossEachMembersDeath() {
        try (EtcdStore store = ETCD.store("/faults/watch/")) {
            Events events = new Events();
            try (Watch w = store.watch("k/", store.revision(), events)) {
                for (int member = 0; member < ETCD.size(); member++) {
                    ETCD.kill(member);
                    long rev = store.txn().put("k/" + member, ("after killing m" + member).getBytes(UTF_8)).commit().revision();
                    assertThat(events.next().revision()).isEqualTo(rev);
                    ETCD.restart(member);
                }
            }
        }
    }

    @Test
    void withoutQuorumCallsFailAtOnceClearlyAndAllWorksAgainAfter() {
        try (EtcdStore store = ETCD.store("/faults/quorum/")) {
            Events events = new Events();
            try (Watch w = store.watch("k/", store.revision(), events)) {
                long before = store.txn().put("k/before", "1".getBytes(UTF_8)).commit().revision();
                assertThat(events.next().revision()).isEqualTo(before);

                ETCD.stopQuorum();
                assertThatThrownBy(() -> store.txn().put("k/during", "x".getBytes(UTF_8)).commit())
                        .isInstanceOf(StoreException.class)
                        .hasMessageStartingWith("cluster store unavailable: " + ETCD.url() + ": ");
                assertThatThrownBy(() -> store.range("k/"))
                        .isInstanceOf(StoreException.class)
                        .hasMessageStartingWith("cluster store unavailable: ");

                ETCD.restartDead();
                long after = awaitCommit(store, "k/after");
                assertThat(events.next().kv().key()).isEqualTo("k/after");
                assertThat(store.get("k/after").orElseThrow().modRevision()).isEqualTo(after);
            }
        }
    }

    @Test
    void aDeadHostsLeaseExpiresAndTheOtherHostIsToldWhileARestartWithinTheTtlIsUnseen() {
        MemoryStore localOfA = new MemoryStore();
        try (EtcdStore storeOfB = ETCD.store("/faults/hosts/");
             HostRegistry b = HostRegistry.join(storeOfB, new MemoryStore(), "id-b", "b", "10.1.0.2", "test", HostRegistry.DEFAULT_LEASE_TTL)) {
            HostEvents seen = new HostEvents();
            b.addListener(seen);

            EtcdStore storeOfA = ETCD.store("/faults/hosts/");
            HostRegistry a = HostRegistry.join(storeOfA, localOfA, "id-a", "a", "10.1.0.1", "test", HostRegistry.DEFAULT_LEASE_TTL);
            assertThat(seen.next()).isEqualTo("up a");
            long leaseOfA = a.lease().id();

            // a restart: the daemon stops (keep-alives stop, the lease is not revoked) and is back within the TTL
            a.close();
            storeOfA.close();
            storeOfA = ETCD.store("/faults/hosts/");
            a = HostRegistry.join(storeOfA, localOfA, "id-a", "a", "10.1.0.1", "test", HostRegistry.DEFAULT_LEASE_TTL);
            assertThat(a.lease().id()).isEqualTo(leaseOfA);

            // a death: nothing keeps the lease alive any more
            a.close();
            storeOfA.close();
            assertThat(seen.next()).as("no host down for the restart, then down for the death").isEqualTo("gone a");
            assertThat(b.hosts()).extracting(h -> h.info().hostname() + " " + h.alive() + " " + h.self())
                    .containsExactly("a false false", "b true true");
        }
    }

    @Test
    void aTransactionWhoseMemberDiesBeforeAnsweringIsAppliedOnceAndReportedApplied() {
        try (EtcdStore store = ETCD.store("/faults/lost/")) {
            AtomicInteger copies = new AtomicInteger();
            // the first copy is applied, then a member dies and the answer never comes
            store.onWriteSent(answer -> copies.incrementAndGet() == 1 ? lostAfterKilling(0, answer) : answer);

            TxnResult cas = store.txn().ifAbsent("ip/10.0.0.2").put("ip/10.0.0.2", "ep-1".getBytes(UTF_8)).commit();

            assertThat(copies.get()).as("sent again after the answer was lost").isGreaterThanOrEqualTo(2);
            assertThat(cas.succeeded()).as("the allocation applied: not reported as failed").isTrue();
            KeyValue allocated = store.get("ip/10.0.0.2").orElseThrow();
            assertThat(allocated.version()).isEqualTo(1);
            assertThat(allocated.modRevision()).isEqualTo(cas.revision());

            // an unconditional write is not applied twice either
            ETCD.restartDead();
            copies.set(0);
            store.onWriteSent(answer -> copies.incrementAndGet() == 1 ? lostAfterKilling(1, answer) : answer);
            TxnResult put = store.txn().put("counter", "1".getBytes(UTF_8)).commit();
            assertThat(put.succeeded()).isTrue();
            assertThat(store.get("counter").orElseThrow().version()).isEqualTo(1);

            store.onWriteSent(answer -> answer);
            store.txn().put("after", "1".getBytes(UTF_8)).commit(); // deletes the finished markers
            assertThat(store.range("")).as("markers are hidden").extracting(KeyValue::key)
                    .containsExactly("after", "counter", "ip/10.0.0.2");
        }
    }

    @Test
    void aTransactionWhoseOnlyMemberDiesBeforeAnsweringIsReportedAsOfUnknownOutcome() {
        try (EtcdStore onlyM2 = ETCD.memberStore(2, "/faults/unknown/");
             EtcdStore other = ETCD.store("/faults/unknown/")) {
            AtomicInteger copies = new AtomicInteger();
            onlyM2.onWriteSent(answer -> copies.incrementAndGet() == 1 ? lostAfterKilling(2, answer) : answer);

            assertThatThrownBy(() -> onlyM2.txn().ifAbsent("ip/10.0.0.3").put("ip/10.0.0.3", "ep-2".getBytes(UTF_8)).commit())
                    .isInstanceOf(StoreException.Unavailable.class)
                    .hasMessageStartingWith("cluster store unavailable: ")
                    .hasMessageContaining("outcome unknown (the transaction may have been applied; read before trying again)");
            assertThat(other.get("ip/10.0.0.3")).as("it had applied: the error did not claim otherwise").isPresent();
        }
    }

    // waits for the real answer (the transaction applied), kills member {@code index}, and loses the answer
    private static CompletableFuture<TxnResponse> lostAfterKilling(int index, CompletableFuture<TxnResponse> answer) {
        answer.join();
        ETCD.kill(index);
        return new CompletableFuture<>();
    }

    private static long awaitCommit(EtcdStore store, String key) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return store.txn().put(key, "1".getBytes(UTF_8)).commit().revision();
            } catch (StoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
