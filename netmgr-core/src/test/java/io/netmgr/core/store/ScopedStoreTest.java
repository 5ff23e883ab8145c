package io.netmgr.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One host's view of its own store and the cluster store: keys say where they live, and a transaction stays in one. */
class ScopedStoreTest {
    private final AtomicLong nanos = new AtomicLong();
    private final MemoryStore local = new MemoryStore();
    private final MemoryStore cluster = new MemoryStore(nanos::get);
    private final ScopedStore scoped = new ScopedStore(local, cluster);

    @Test
    void globalKeysGoToTheClusterStoreAndTheOthersStayLocal() {
        assertThat(scoped.txn().put("/netmgr/global/networks/a", bytes("g")).commit().succeeded()).isTrue();
        assertThat(scoped.txn().put("/netmgr/networks/b", bytes("l")).commit().succeeded()).isTrue();
        assertThat(cluster.get("/netmgr/global/networks/a")).isPresent();
        assertThat(local.get("/netmgr/global/networks/a")).isEmpty();
        assertThat(local.get("/netmgr/networks/b")).isPresent();
        assertThat(scoped.range("/netmgr/global/")).hasSize(1);
        assertThat(scoped.get("/netmgr/networks/b")).isPresent();
        assertThat(scoped.revisionOf("/netmgr/global/")).isEqualTo(cluster.revision());
    }

    @Test
    void aTransactionMixingBothStoresIsRefusedAndWritesNothing() {
        Txn mixed = scoped.txn().put("/netmgr/global/networks/a", bytes("g")).put("/netmgr/networks/b", bytes("l"));
        assertThatThrownBy(mixed::commit).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mixes keys of the cluster store and of the host's store");
        assertThat(cluster.revision()).isZero();
        assertThat(local.revision()).isZero();
    }

    @Test
    void conditionsHoldOnTheStoreTheKeysLiveInAndLeasedKeysGoWithTheirLease() {
        assertThat(scoped.txn().ifAbsent("/netmgr/global/claims/vni/7").put("/netmgr/global/claims/vni/7", bytes("n1")).commit()
                .succeeded()).isTrue();
        assertThat(scoped.txn().ifAbsent("/netmgr/global/claims/vni/7").put("/netmgr/global/claims/vni/7", bytes("n2")).commit()
                .succeeded()).as("taken").isFalse();
        Lease lease = scoped.grantLease(Duration.ofSeconds(2), () -> { });
        scoped.txn().put("/netmgr/global/peers/n/e", bytes("p"), lease).commit();
        assertThat(cluster.get("/netmgr/global/peers/n/e")).isPresent();
        lease.close();
        assertThat(cluster.get("/netmgr/global/peers/n/e")).as("revoked with its lease").isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
