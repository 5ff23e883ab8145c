package io.netmgr.core.endpoint;

import io.netmgr.core.NetmgrException;
import io.netmgr.netlink.qdisc.Tbf;
import java.time.Duration;
import java.util.Optional;

/**
 * One direction's bandwidth limit: {@code rateBits} per second on average, in bursts of up to
 * {@code burstBits} at line rate. Enforced by a token bucket filter (tbf).
 */
public record TrafficLimit(long rateBits, long burstBits) {
    /** How long a packet may wait in the queue, as the reference CNI bandwidth plugin allows: it sets the tbf's limit. */
    public static final Duration LATENCY = Duration.ofMillis(25);

    /**
     * The limit given by {@code rateField} and {@code burstField} (their names as the caller
     * wrote them, for messages), or none when both are 0; a refusal names the field.
     */
    public static Optional<TrafficLimit> of(String rateField, long rate, String burstField, long burst) {
        if (rate < 0 || burst < 0) {
            String field = rate < 0 ? rateField : burstField;
            throw NetmgrException.invalid(field + " " + Math.min(rate, burst) + " is negative; give a whole number of "
                    + (rate < 0 ? "bits per second" : "bits"));
        }
        if (rate == 0 && burst == 0) {
            return Optional.empty();
        }
        if (burst == 0) {
            throw NetmgrException.invalid(burstField + " is missing: " + rateField + " " + rate
                    + " needs a burst too, in bits (at least the MTU's, e.g. 12000 for 1500 bytes)");
        }
        if (rate == 0) {
            throw NetmgrException.invalid(rateField + " is missing: " + burstField + " " + burst
                    + " needs a rate too, in bits per second");
        }
        if (rate < 8) {
            throw NetmgrException.invalid(rateField + " " + rate + " bit/s is below 8 bit/s, the least tbf shapes to (a byte a second)");
        }
        if (burst < 8) {
            throw NetmgrException.invalid(burstField + " " + burst + " bits is less than one byte");
        }
        TrafficLimit limit = new TrafficLimit(rate, burst);
        try {
            limit.tbf().checked();
        } catch (IllegalArgumentException e) {
            throw NetmgrException.invalid(rateField + " " + rate + " with " + burstField + " " + burst + " cannot be shaped: "
                    + e.getMessage() + " (the limit is " + LATENCY.toMillis() + " ms at the rate plus the burst)");
        }
        return Optional.of(limit);
    }

    /** The tbf that enforces it, the sizes in bytes as the kernel counts them. */
    public Tbf tbf() {
        return Tbf.withLatency(rateBits / 8, burstBits / 8, LATENCY);
    }

    /** For messages: {@code ingress shaping (1000000 bit/s, burst 12000 bits)}. */
    public String describe(String direction) {
        return direction + " shaping (" + rateBits + " bit/s, burst " + burstBits + " bits)";
    }
}
