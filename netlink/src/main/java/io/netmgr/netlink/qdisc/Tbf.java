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
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The limit {@code tc ... latency} derives: what arrives in {@code latency} at the rate, plus the burst. */
    public static Tbf withLatency(long rateBytesPerSecond, long burstBytes, Duration latency) {
        // exact, and too big a product stays too big instead of wrapping around
        BigInteger limit = BigInteger.valueOf(rateBytesPerSecond).multiply(BigInteger.valueOf(latency.toNanos()))
                .divide(BigInteger.valueOf(NANOS_PER_SECOND)).add(BigInteger.valueOf(burstBytes));
        return new Tbf(rateBytesPerSecond, burstBytes, limit.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue());
    }

    /**
     * This tbf, if the kernel can hold it: a rate of at least a byte a second, burst and limit
     * that fit tc_tbf_qopt's 32 bits, and a burst the kernel can report back (it keeps it as
     * 32-bit ticks of 64 ns at the rate: about 274 s). Throws IllegalArgumentException saying
     * which value is wrong otherwise.
     */
    public Tbf checked() {
        if (rateBytesPerSecond < 1) {
            throw new IllegalArgumentException(this + ": the rate must be at least 1 byte per second");
        }
        if (burstBytes < 1 || burstBytes > U32_MAX) {
            throw new IllegalArgumentException(this + ": the burst must be 1 to " + U32_MAX + " bytes");
        }
        if (limitBytes < 1 || limitBytes > U32_MAX) {
            throw new IllegalArgumentException(this + ": the limit must be 1 to " + U32_MAX + " bytes");
        }
        long burstNanos = burstBytes * NANOS_PER_SECOND / rateBytesPerSecond; // < 2^32 * 2^30: fits
        if (burstNanos / TICK_NANOS > U32_MAX) {
            throw new IllegalArgumentException(this + ": the burst lasts " + burstNanos / NANOS_PER_SECOND
                    + " s at the rate; tbf holds at most " + U32_MAX * TICK_NANOS / NANOS_PER_SECOND + " s");
        }
        return this;
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
        long slack = rateBytesPerSecond / (NANOS_PER_SECOND / (2 * TICK_NANOS)) + 1;
        return rateBytesPerSecond == requested.rateBytesPerSecond && limitBytes == requested.limitBytes
                && Math.abs(burstBytes - requested.burstBytes) <= slack;
    }

    @Override
    public String toString() {
        return "tbf rate " + rateBytesPerSecond + " B/s burst " + burstBytes + " B limit " + limitBytes + " B";
    }
}
