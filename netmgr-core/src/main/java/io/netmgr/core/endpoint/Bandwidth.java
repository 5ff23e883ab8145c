package io.netmgr.core.endpoint;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Optional;

/**
 * An endpoint's bandwidth limits: traffic into the sandbox ({@code ingress}) and out of it
 * ({@code egress}); a null direction is not shaped. Applied on join by a driver that can shape
 * ({@link io.netmgr.core.driver.Capability#shapesTraffic}).
 */
public record Bandwidth(TrafficLimit ingress, TrafficLimit egress) {
    public static final Bandwidth NONE = new Bandwidth(null, null);

    public static Bandwidth of(Optional<TrafficLimit> ingress, Optional<TrafficLimit> egress) {
        return new Bandwidth(ingress.orElse(null), egress.orElse(null));
    }

    @JsonIgnore
    public Optional<TrafficLimit> ingressLimit() {
        return Optional.ofNullable(ingress);
    }

    @JsonIgnore
    public Optional<TrafficLimit> egressLimit() {
        return Optional.ofNullable(egress);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return ingress == null && egress == null;
    }
}
