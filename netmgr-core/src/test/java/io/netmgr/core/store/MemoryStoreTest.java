package io.netmgr.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryStoreTest extends StoreContract {

    // the stores' ticker: lease expiry follows it, so the lease cases need no sleeps
    private final AtomicLong now = new AtomicLong();

    @Override
    protected Store newStore() {
        return new MemoryStore(now::get);
    }

    @Override
    protected Optional<Store> newStoreRetaining(int revisions) {
        return Optional.of(new MemoryStore(revisions, now::get));
    }

    @Override
    protected boolean hasLeases() {
        return true;
    }

    @Override
    protected void lapse(Lease lease) {
        MemoryStore memory = (MemoryStore) store;
        memory.stopKeepAlive(lease.id());
        now.addAndGet(lease.ttl().toNanos());
        memory.expireLeases();
    }

    @Test
    void aLeaseCutOffForLessThanItsTtlLivesAndOneCutOffLongerIsLost() {
        MemoryStore memory = (MemoryStore) store;
        AtomicInteger lost = new AtomicInteger();
        Lease lease = memory.grantLease(Duration.ofSeconds(2), lost::incrementAndGet);
        memory.txn().put("h/1", bytes("x"), lease).commit();

        memory.stopKeepAlive(lease.id());
        now.addAndGet(Duration.ofMillis(1_999).toNanos());
        assertThat(lease.alive()).isTrue();
        assertThat(memory.resumeLease(lease.id(), lease.ttl(), lost::incrementAndGet)).isPresent();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(lease.alive()).as("kept alive again after the resume").isTrue();

        memory.stopKeepAlive(lease.id());
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(lease.alive()).isFalse();
        assertThat(lost).hasValue(1);
        assertThat(memory.get("h/1")).isEmpty();
    }
}
