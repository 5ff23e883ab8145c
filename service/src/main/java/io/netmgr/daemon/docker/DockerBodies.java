package io.netmgr.daemon.docker;

import java.util.List;
import java.util.Map;

/**
 * The Docker Engine API request bodies netmgrd reads, field for field as the docker CLI sends
 * them (names matched case-insensitively, unknown fields ignored, like dockerd's Go decoder).
 */
final class DockerBodies {
    private DockerBodies() {
    }

    /** {@code POST /networks/create}. */
    record NetworkCreate(String name, String driver, String scope, Boolean enableIPv6, Ipam ipam, boolean internal,
                         boolean attachable, boolean ingress, boolean configOnly, ConfigFrom configFrom,
                         Map<String, String> options, Map<String, String> labels) {
    }

    /** {@code IPAM}. */
    record Ipam(String driver, List<IpamPool> config, Map<String, String> options) {
    }

    /** One {@code IPAM.Config} entry. */
    record IpamPool(String subnet, String ipRange, String gateway, Map<String, String> auxiliaryAddresses) {
    }

    /** {@code ConfigFrom}. */
    record ConfigFrom(String network) {
    }

    /** {@code POST /networks/{id}/connect}. */
    record Connect(String container, EndpointSettings endpointConfig) {
    }

    /** {@code EndpointConfig} of a connect. */
    record EndpointSettings(IpamSettings ipamConfig, List<String> aliases, String macAddress) {
    }

    /** {@code EndpointConfig.IPAMConfig}: static addresses. */
    record IpamSettings(String ipv4Address, String ipv6Address) {
    }

    /** {@code POST /networks/{id}/disconnect}. */
    record Disconnect(String container, boolean force) {
    }
}
