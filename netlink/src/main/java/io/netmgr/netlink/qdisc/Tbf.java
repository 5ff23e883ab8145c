package io.netmgr.netlink.qdisc;

import java.math.BigInteger;
import java.time.Duration;

/**
 * A token bucket filter ({@code tc qdisc ... tbf}): traffic leaves at {@code rateBytesPerSecond}
 * on average, in bursts of up to {@code burstBytes} at line rate; up to {@code limitBytes} wait
 * in its queue and what does not fit is dropped. No peak rate.
 */
public record Tbf(long rateBytesPerSecond, long burstBytes, long limitBytes) implements Discipline {
    /**
     * The kernel keeps the burst as the time it takes at the rate, in ticks of 64 ns
     * (PSCHED_SHIFT 6), and reports only that; a burst read back is exact to one tick's bytes.
     */
    static final long TICK_NANOS = 64;

    /** The limit {@code tc ... latency} derives: what arrives in {@code latency} at the rate, plus the burst. */
    public static Tbf withLatency(long rateBytesPerSecond, long burstBytes, Duration latency) {
        // exact, and too big a product stays too big instead of wrapping around
        BigInteger limit = BigInteger.valueOf(rateBytesPerSecond).multiply(BigInteger.valueOf(latency.toNanos()))
                .divide(BigInteger.valueOf(1_000_000_000L)).add(BigInteger.valueOf(burstBytes));
        return new Tbf(rateBytesPerSecond, burstBytes, limit.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue());
    }

    @Override
    public String kind() {
        return "tbf";
    }

    /**
     * Whether this tbf, as the kernel reports it, is {@code requested}: the same rate and
     * limit, and the burst within the two ticks the kernel's rounding may cost.
     */
    public boolean sameAs(Tbf requested) {
        long slack = rateBytesPerSecond / (1_000_000_000L / (2 * TICK_NANOS)) + 1;
        return rateBytesPerSecond == requested.rateBytesPerSecond && limitBytes == requested.limitBytes
                && Math.abs(burstBytes - requested.burstBytes) <= slack;
    }

    @Override
    public String toString() {
        return "tbf rate " + rateBytesPerSecond + " B/s burst " + burstBytes + " B limit " + limitBytes + " B";
    }
}
