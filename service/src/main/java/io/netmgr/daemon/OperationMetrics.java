package io.netmgr.daemon;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /metrics} shows, in Prometheus' text format: a latency timer per operation and
 * outcome ({@code netmgr_operation_seconds_count{operation="network.create",outcome="ok"}}) and
 * the endpoints of each network ({@code netmgr_network_endpoints{network="front"}}).
 *
 * <p>The quantiles ({@code quantile="0.5"}, {@code "0.99"}) cover every run since the daemon
 * started, like {@code _count} and {@code _sum} beside them. Micrometer's default is a window of
 * the last two minutes that reads 0.0 once it is empty, and a daemon's operations come in bursts
 * (a container start now and then): a scrape after a quiet spell showed a p50 of 0.0 next to a
 * count of 69. Recent latency is {@code rate(_sum) / rate(_count)}, as for any summary.
 */
public final class OperationMetrics {
    /** Longer than any daemon runs: the quantiles' window never rotates. */
    private static final Duration LIFETIME = Duration.ofDays(365L * 100);

    private final PrometheusMeterRegistry registry;
    private final MultiGauge endpointsPerNetwork;

    public OperationMetrics() {
        this(Clock.SYSTEM);
    }

    /** On {@code clock}, which tests move forward. */
    OperationMetrics(Clock clock) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
        endpointsPerNetwork = MultiGauge.builder("netmgr.network.endpoints").description("endpoints on each network").register(registry);
    }

    /** Runs {@code operation}, timing it under {@code name} whether it succeeds or fails. */
    public <T> T time(String name, Supplier<T> operation) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T result = operation.get();
            ok = true;
            return result;
        } finally {
            record(name, System.nanoTime() - start, ok);
        }
    }

    /** Records one run of {@code name} that took {@code nanos}, for an operation that reports failure itself. */
    public void record(String name, long nanos, boolean ok) {
        Timer.builder("netmgr.operation").description("netmgr operations by outcome")
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(LIFETIME).distributionStatisticBufferLength(1)
                .percentilePrecision(2) // within 1%: Micrometer's default of 1 digit is within 6%
                .tags("operation", name, "outcome", ok ? "ok" : "error").register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The exposition text, with the endpoint counts taken just now. */
    public String scrape(Map<String, Integer> endpointsByNetwork) {
        List<MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        endpointsByNetwork.forEach((network, count) -> rows.add(MultiGauge.Row.of(Tags.of("network", network), count)));
        endpointsPerNetwork.register(rows, true);
        return registry.scrape();
    }
}
