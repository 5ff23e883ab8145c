package io.netmgr.daemon;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /metrics} shows, in Prometheus' text format: a latency timer per operation and
 * outcome ({@code netmgr_operation_seconds_count{operation="network.create",outcome="ok"}}) and
 * the endpoints of each network ({@code netmgr_network_endpoints{network="front"}}).
 */
public final class OperationMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge endpointsPerNetwork = MultiGauge.builder("netmgr.network.endpoints")
            .description("endpoints on each network").register(registry);

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
