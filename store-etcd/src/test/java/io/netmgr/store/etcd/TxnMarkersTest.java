package io.netmgr.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.store.TxnResult;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TxnMarkersTest {

    @Test
    void aCopyThatAppliedNowIsASuccessAtItsRevision() {
        assertThat(TxnMarkers.outcome(true, 42, Optional.empty())).isEqualTo(new TxnResult(true, 42));
    }

    @Test
    void aCopyThatFoundTheMarkerReportsTheEarlierCopysSuccessAtTheRevisionItMade() {
        // the first copy applied at 40 and its answer was lost; the repeat fails its guard at 42
        assertThat(TxnMarkers.outcome(false, 42, Optional.of(40L))).isEqualTo(new TxnResult(true, 40));
    }

    @Test
    void aCopyWithoutTheMarkerFailedTheCallersCompares() {
        assertThat(TxnMarkers.outcome(false, 42, Optional.empty())).isEqualTo(new TxnResult(false, 42));
    }

    @Test
    void markersAreUniqueHiddenAndCleanedAFewAtATime() {
        TxnMarkers markers = new TxnMarkers();
        List<String> made = IntStream.range(0, TxnMarkers.CLEANUP_PER_TXN + 5).mapToObj(i -> markers.next()).toList();
        assertThat(made).doesNotHaveDuplicates().allMatch(TxnMarkers::isMarker);
        assertThat(new TxnMarkers().next()).isNotIn(made);
        assertThat(TxnMarkers.isMarker("ip/10.0.0.2")).isFalse();

        int room = TxnMarkers.MAX_TXN_OPS;
        assertThat(markers.takeFinished(room)).isEmpty();
        made.forEach(markers::finished);
        List<String> first = markers.takeFinished(room);
        assertThat(first).hasSize(TxnMarkers.CLEANUP_PER_TXN);
        markers.giveBack(first); // that cleanup did not apply
        assertThat(markers.takeFinished(0)).as("a transaction already at etcd's cap takes none").isEmpty();
        assertThat(markers.takeFinished(3)).as("only the room left").hasSize(3);
        assertThat(markers.takeFinished(room)).hasSize(TxnMarkers.CLEANUP_PER_TXN);
        assertThat(markers.takeFinished(room)).hasSize(2);
        assertThat(markers.takeFinished(room)).isEmpty();
    }

    @Test
    void aMarkerIsStaleOnlyOnceOlderThanTheSweepAgeOrWithoutATime() {
        java.time.Duration age = java.time.Duration.ofMinutes(10);
        long written = 1_000_000_000L;
        byte[] marker = TxnMarkers.value(written);

        assertThat(TxnMarkers.stale(marker, written, age)).isFalse();
        assertThat(TxnMarkers.stale(marker, written + age.toMillis() - 1, age)).isFalse();
        assertThat(TxnMarkers.stale(marker, written + age.toMillis(), age)).isTrue();
        assertThat(TxnMarkers.stale(new byte[0], written, age)).isTrue(); // written before markers held their time
    }
}
