package io.netmgr.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbStoreTest extends StoreContract {

    @TempDir
    Path dir;
    private int stores;

    @Override
    protected Store newStore() {
        return LmdbStore.open(dir.resolve("state" + stores++));
    }

    @Override
    protected Optional<Store> newStoreRetaining(int revisions) {
        return Optional.of(LmdbStore.open(dir.resolve("state" + stores++), revisions));
    }

    @Test
    void stateSurvivesReopening() {
        Path stateDir = dir.resolve("reopened");
        try (LmdbStore first = LmdbStore.open(stateDir)) {
            first.txn().put("a", bytes("1")).commit();
            first.txn().put("a", bytes("2")).put("b", bytes("3")).commit();
        }

        try (LmdbStore again = LmdbStore.open(stateDir)) {
            assertThat(again.revision()).isEqualTo(2);
            assertThat(again.get("a")).contains(new KeyValue("a", bytes("2"), 1, 2, 2));
            assertThat(again.range("")).hasSize(2);
            assertThat(again.txn().put("c", bytes("4")).commit().revision()).isEqualTo(3);
        }
    }

    @Test
    void aUnitsTransactionsAreReadAtOnceByItsThreadAndByOthersAtItsEnd() {
        try (LmdbStore s = LmdbStore.open(dir.resolve("unit"))) {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                TxnResult last = s.inOneCommit(() -> {
                    assertThat(s.txn().put("a", bytes("1")).commit()).isEqualTo(new TxnResult(true, 1));
                    assertThat(s.get("a")).contains(new KeyValue("a", bytes("1"), 1, 1, 1));
                    assertThat(s.range("")).hasSize(1);
                    assertThat(s.revision()).isEqualTo(1);
                    assertThat(supply(other, () -> s.get("a"))).as("another thread, before the end").isEmpty();
                    // a nested unit joins this one; a transaction whose compare fails changes nothing
                    assertThat(s.inOneCommit(() -> s.txn().ifAbsent("a").put("a", bytes("x")).commit()))
                            .isEqualTo(new TxnResult(false, 1));
                    return s.txn().put("b", bytes("2")).commit();
                });
                assertThat(last).isEqualTo(new TxnResult(true, 2));
                assertThat(supply(other, () -> s.range(""))).extracting(KeyValue::key).containsExactly("a", "b");
                assertThat(supply(other, s::revision)).isEqualTo(2);
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void whatAUnitCommittedBeforeItFailedStays() {
        Path stateDir = dir.resolve("failed-unit");
        try (LmdbStore s = LmdbStore.open(stateDir)) {
            assertThatThrownBy(() -> s.inOneCommit(() -> {
                s.txn().put("made", bytes("1")).commit();
                throw new IllegalStateException("the kernel refused");
            })).hasMessage("the kernel refused");
            assertThat(s.inOneCommit(() -> s.get("missing"))).isEmpty(); // a unit that commits nothing
        }
        try (LmdbStore again = LmdbStore.open(stateDir)) {
            assertThat(again.get("made")).isPresent();
            assertThat(again.revision()).isEqualTo(1);
        }
    }

    private static <T> T supply(ExecutorService thread, java.util.concurrent.Callable<T> read) {
        try {
            return thread.submit(read).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the read on another thread failed", e);
        }
    }

    @Test
    void createsMissingStateDirectories() {
        Path stateDir = dir.resolve("var/lib/netmgr");
        try (LmdbStore s = LmdbStore.open(stateDir)) {
            assertThat(Files.isRegularFile(stateDir.resolve(LmdbStore.FILE_NAME))).isTrue();
        }
    }

    @Test
    void stateDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path stateDir = file.resolve("netmgr");

        assertThatThrownBy(() -> LmdbStore.open(stateDir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot create the state directory " + stateDir)
                .hasMessageContaining("choose another state directory");
    }

    @Test
    void secondOpenInOneProcessIsRefused() {
        Path stateDir = dir.resolve("twice");
        try (LmdbStore s = LmdbStore.open(stateDir)) {
            assertThatThrownBy(() -> LmdbStore.open(stateDir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("already open in this process");
        }
        LmdbStore.open(stateDir).close();
    }

    @Test
    void changeLogKeepsOnlyTheRetainedRevisions() {
        store = track(LmdbStore.open(dir.resolve("small"), 5));
        for (int i = 0; i < 20; i++) {
            put("k", String.valueOf(i));
        }

        assertThatThrownBy(() -> store.watch("", 14, e -> { })).isInstanceOf(CompactedRevisionException.class);
        Events events = new Events();
        try (Watch w = store.watch("", 15, events)) {
            assertThat(events.next().revision()).isEqualTo(16);
        }
    }
}
