package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromTheFirstDelayAndStopsAtTheCap() {
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(Backoff.DEFAULT::delay).map(Duration::toMillis))
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
        assertThat(Backoff.DEFAULT.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aRunAsLongAsTheStablePeriodCountsAsHealthy() {
        assertThat(Backoff.DEFAULT.wasStable(Duration.ofSeconds(10))).isTrue();
        assertThat(Backoff.DEFAULT.wasStable(Duration.ofMillis(9999))).isFalse();
    }
}
