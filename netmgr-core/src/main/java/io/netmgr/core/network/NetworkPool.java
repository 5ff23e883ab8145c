package io.netmgr.core.network;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.netmgr.core.ipam.Pool;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One address pool of a network, as IPAM granted it, in text form: pool id, subnet, gateway,
 * where in the subnet addresses are handed out ({@code ipRange}: Docker's IPRange such as
 * {@code 10.1.0.128/25}, or CNI address ranges such as {@code 10.1.0.10-10.1.0.20}; {@code null}
 * for the whole subnet) and the auxiliary addresses kept from endpoints. Networks stored before
 * ranges were recorded here read back with neither.
 */
public record NetworkPool(String poolId, String subnet, String gateway,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String ipRange,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> auxiliaryAddresses) {

    public NetworkPool {
        auxiliaryAddresses = auxiliaryAddresses == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(auxiliaryAddresses));
    }

    /** The network's record of {@code pool}. */
    public static NetworkPool of(Pool pool) {
        Map<String, String> aux = new TreeMap<>();
        pool.config().auxiliaryAddresses().forEach((name, address) -> aux.put(name, address.toString()));
        return new NetworkPool(pool.id(), pool.subnet().toString(), pool.gateway().toString(),
                pool.config().isNarrowed() ? pool.config().allocationText() : null, aux);
    }

    /** The ranges addresses are handed out from, when the user narrowed the subnet. */
    public Optional<String> range() {
        return Optional.ofNullable(ipRange);
    }
}
