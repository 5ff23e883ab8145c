package io.netmgr.core.service;

import io.netmgr.core.firewall.ServicePort;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A swarm-style service: a name, one virtual IP per attached network ({@code vips}, none in
 * dnsrr mode), published ports, an endpoint mode. Its backends are stored apart, one key each
 * ({@link ServiceBackend}), so that a service with thousands of them is rewritten for none.
 *
 * @param id           64 hex characters
 * @param networkIds   the networks the service is on, in the order given
 * @param labels       the user's labels
 * @param created      when, ISO-8601
 */
public record Service(String id, String name, EndpointMode endpointMode, List<String> networkIds, List<ServiceVip> vips,
        List<ServicePort> ports, Map<String, String> labels, String created) {

    public Service {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpointMode, "endpointMode");
        networkIds = List.copyOf(networkIds);
        vips = List.copyOf(vips);
        ports = ports == null ? List.of() : List.copyOf(ports);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The virtual IP on network {@code networkId}, if the service has one there. */
    public Optional<ServiceVip> vipOn(String networkId) {
        return vips.stream().filter(v -> v.networkId().equals(networkId)).findFirst();
    }

    /** The same service publishing {@code next} instead of its ports. */
    public Service withPorts(List<ServicePort> next) {
        return new Service(id, name, endpointMode, networkIds, vips, next, labels, created);
    }
}
