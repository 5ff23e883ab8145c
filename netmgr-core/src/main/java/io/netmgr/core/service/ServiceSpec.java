package io.netmgr.core.service;

import io.netmgr.core.firewall.ServicePort;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller asks for when creating a service: its name, its networks (each by name or id,
 * with a virtual IP of the caller's choice or any), published ports, endpoint mode and labels.
 */
public record ServiceSpec(String name, List<Attachment> networks, List<ServicePort> ports, EndpointMode endpointMode,
        Map<String, String> labels) {

    /** One network of the service, and the virtual IP wanted there (any free one when empty). */
    public record Attachment(String network, Optional<String> vip) {
        public Attachment {
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(vip, "vip");
        }

        public static Attachment of(String network) {
            return new Attachment(network, Optional.empty());
        }
    }

    public ServiceSpec {
        networks = List.copyOf(networks);
        ports = List.copyOf(ports);
        endpointMode = endpointMode == null ? EndpointMode.VIP : endpointMode;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A vip-mode service named {@code name} on {@code networks}, publishing nothing. */
    public static ServiceSpec of(String name, String... networks) {
        return new ServiceSpec(name, java.util.Arrays.stream(networks).map(Attachment::of).toList(), List.of(),
                EndpointMode.VIP, Map.of());
    }

    public ServiceSpec withPorts(ServicePort... published) {
        return new ServiceSpec(name, networks, List.of(published), endpointMode, labels);
    }

    public ServiceSpec withEndpointMode(EndpointMode mode) {
        return new ServiceSpec(name, networks, ports, mode, labels);
    }
}
