package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The quantiles on {@code /metrics} describe the recorded runs, however long ago they were. */
class OperationMetricsTest {
    private final MockClock clock = new MockClock();
    private final OperationMetrics metrics = new OperationMetrics(clock);

    /** 69 ADDs of 5.1, 5.2 ... 11.9 ms: the median is 8.5 ms, the 99th percentile 11.8. */
    private void recordSixtyNineAdds() {
        for (int i = 1; i <= 69; i++) {
            metrics.record("cni.add", TimeUnit.MICROSECONDS.toNanos(5_000 + 100 * i), true);
        }
    }

    @Test
    void quantilesLieAmongTheRecordedDurations() {
        recordSixtyNineAdds();
        String text = metrics.scrape(Map.of());
        assertThat(text).contains("netmgr_operation_seconds_count{operation=\"cni.add\",outcome=\"ok\"} 69");
        assertThat(quantile(text, "cni.add", "0.5")).isCloseTo(0.0085, within(0.0085 * 0.01));
        assertThat(quantile(text, "cni.add", "0.99")).isBetween(0.0051, 0.0119 * 1.01);
    }

    /** Micrometer's default window emptied after two minutes and then read 0.0 beside a count of 69. */
    @Test
    void aQuietSpellDoesNotEmptyTheQuantiles() {
        recordSixtyNineAdds();
        clock.add(Duration.ofHours(6));
        String text = metrics.scrape(Map.of());
        assertThat(quantile(text, "cni.add", "0.5")).isCloseTo(0.0085, within(0.0085 * 0.01));
        metrics.record("cni.add", TimeUnit.MILLISECONDS.toNanos(12), true);
        assertThat(quantile(metrics.scrape(Map.of()), "cni.add", "0.5")).isBetween(0.0085 * 0.99, 0.0086 * 1.01);
    }

    private static double quantile(String text, String operation, String q) {
        Matcher m = Pattern.compile("netmgr_operation_seconds\\{operation=\"" + Pattern.quote(operation)
                + "\",outcome=\"ok\",quantile=\"" + Pattern.quote(q) + "\"} (\\S+)").matcher(text);
        assertThat(m.find()).as("quantile %s of %s in:%n%s", q, operation, text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
