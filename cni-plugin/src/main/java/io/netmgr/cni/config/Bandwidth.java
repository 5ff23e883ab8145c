package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.netlink.qdisc.Tbf;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code bandwidth} capability ({@code runtimeConfig.bandwidth}, shaped like the reference
 * bandwidth plugin's): a rate in bits/s and a burst in bits for traffic into the container
 * ({@code ingress}) and out of it ({@code egress}); a direction without both is not shaped.
 */
public record Bandwidth(Optional<Shaping> ingress, Optional<Shaping> egress) {
    static final Bandwidth NONE = new Bandwidth(Optional.empty(), Optional.empty());
    /** How long a packet may wait in the queue, as the reference plugin allows: it sets the tbf's limit. */
    static final Duration LATENCY = Duration.ofMillis(25);
    private static final List<String> FIELDS = List.of("ingressRate", "ingressBurst", "egressRate", "egressBurst");

    /** One direction's limits; {@code rateField}/{@code burstField} name them in messages. */
    public record Shaping(String direction, String rateField, long rateBits, String burstField, long burstBits) {
        /** The tbf that enforces it, the sizes in bytes as the kernel counts them. */
        public Tbf tbf() {
            return Tbf.withLatency(rateBits / 8, burstBits / 8, LATENCY);
        }

        public String describe() {
            return direction + " shaping (" + rateBits + " bit/s, burst " + burstBits + " bits)";
        }
    }

    boolean isEmpty() {
        return ingress.isEmpty() && egress.isEmpty();
    }

    /** Reads and checks {@code bw}; every refusal names the field. */
    static Bandwidth parse(ConfObject bw) {
        for (String key : bw.fields().keySet()) {
            if (!FIELDS.contains(key)) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, bw.field(key) + " is not supported: netmgr takes "
                        + String.join(", ", FIELDS));
            }
        }
        return new Bandwidth(direction(bw, "ingress"), direction(bw, "egress"));
    }

    private static Optional<Shaping> direction(ConfObject bw, String direction) {
        String rateKey = direction + "Rate";
        String burstKey = direction + "Burst";
        long rate = nonNegative(bw, rateKey);
        long burst = nonNegative(bw, burstKey);
        if (rate == 0 && burst == 0) {
            return Optional.empty();
        }
        if (burst == 0) {
            throw ConfObject.invalid(bw.field(burstKey) + " is missing: " + bw.field(rateKey) + " " + rate
                    + " needs a burst too, in bits (at least the MTU's, e.g. 12000 for 1500 bytes)");
        }
        if (rate == 0) {
            throw ConfObject.invalid(bw.field(rateKey) + " is missing: " + bw.field(burstKey) + " " + burst
                    + " needs a rate too, in bits per second");
        }
        if (rate < 8) {
            throw ConfObject.invalid(bw.field(rateKey) + " " + rate + " bit/s is below 8 bit/s, the least tbf shapes to (a byte a second)");
        }
        if (burst < 8) {
            throw ConfObject.invalid(bw.field(burstKey) + " " + burst + " bits is less than one byte");
        }
        Shaping s = new Shaping(direction, bw.field(rateKey), rate, bw.field(burstKey), burst);
        try {
            s.tbf().checked();
        } catch (IllegalArgumentException e) {
            throw ConfObject.invalid(bw.field(rateKey) + " " + rate + " with " + bw.field(burstKey) + " " + burst
                    + " cannot be shaped: " + e.getMessage() + " (the limit is " + LATENCY.toMillis()
                    + " ms at the rate plus the burst)");
        }
        return Optional.of(s);
    }

    private static long nonNegative(ConfObject bw, String key) {
        long n = bw.number(key).orElse(0L);
        if (n < 0) {
            throw ConfObject.invalid(bw.field(key) + " " + n + " is negative; give a whole number of "
                    + (key.endsWith("Rate") ? "bits per second" : "bits"));
        }
        return n;
    }
}
