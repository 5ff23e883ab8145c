package io.netmgr.daemon.api.v1;

import java.util.List;
import java.util.Map;

/** The request bodies of netmgr's own API ({@code /v1}); any field not listed here is refused. */
final class V1Bodies {
    private V1Bodies() {
    }

    /** {@code POST /v1/networks}. */
    record CreateNetwork(String name, String driver, List<Subnet> subnets, Map<String, String> options,
                         Map<String, String> labels, boolean internal, boolean ipv6) {
    }

    /** One subnet of a network, with optional range, gateway and auxiliary addresses. */
    record Subnet(String subnet, String ipRange, String gateway, Map<String, String> auxAddresses) {
    }

    /** {@code POST /v1/sandboxes}: without {@code namespacePath} netmgr makes the namespace. */
    record CreateSandbox(String name, String namespacePath) {
    }

    /**
     * {@code POST /v1/endpoints}: with {@code sandbox}, the endpoint is joined to it at once.
     * {@code ports} as Docker writes them ({@code [HOST_IP:]HOST_PORT:PORT[/PROTO]}), {@code routes}
     * as {@code DESTINATION[,via=GATEWAY]}.
     */
    record CreateEndpoint(String network, String name, String sandbox, String ipv4, String ipv6, String mac,
                          List<String> aliases, String interfaceName, List<String> ports, List<String> routes,
                          Bandwidth bandwidth) {
    }

    /** An endpoint's bandwidth limits: rates in bits per second, bursts in bits; 0 or absent is no limit. */
    record Bandwidth(long ingressRate, long ingressBurst, long egressRate, long egressBurst) {
    }

    /** {@code POST /v1/networks/prune} and {@code POST /v1/endpoints/{id}/leave}: no body, or {@code {}}. */
    record NoFields() {
    }

    /** {@code POST /v1/endpoints/{id}/join}. */
    record Join(String sandbox) {
    }
}
