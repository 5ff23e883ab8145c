package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.Bandwidth;
import io.netmgr.core.endpoint.TrafficLimit;
import java.util.List;
import java.util.Optional;

/**
 * The {@code bandwidth} capability ({@code runtimeConfig.bandwidth}, shaped like the reference
 * bandwidth plugin's): a rate in bits/s and a burst in bits for traffic into the container
 * ({@code ingress}) and out of it ({@code egress}), read into the endpoint's {@link Bandwidth};
 * a direction without both is not shaped.
 */
final class BandwidthCapability {
    private static final List<String> FIELDS = List.of("ingressRate", "ingressBurst", "egressRate", "egressBurst");

    private BandwidthCapability() {
    }

    /** Reads and checks {@code bw}; every refusal names the field. */
    static Bandwidth parse(ConfObject bw) {
        for (String key : bw.fields().keySet()) {
            if (!FIELDS.contains(key)) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, bw.field(key) + " is not supported: netmgr takes "
                        + String.join(", ", FIELDS));
            }
        }
        return Bandwidth.of(direction(bw, "ingress"), direction(bw, "egress"));
    }

    private static Optional<TrafficLimit> direction(ConfObject bw, String direction) {
        String rateKey = direction + "Rate";
        String burstKey = direction + "Burst";
        try {
            return TrafficLimit.of(bw.field(rateKey), bw.number(rateKey).orElse(0L), bw.field(burstKey), bw.number(burstKey).orElse(0L));
        } catch (NetmgrException e) {
            throw ConfObject.invalid(e.getMessage());
        }
    }
}
