package io.netmgr.daemon.plugin;

import io.netmgr.core.network.NameResolution;
import java.nio.file.Path;

/**
 * How dockerd's objects are named in netmgr. The protocol gives the driver dockerd's IDs only
 * (never a network's or a container's name), so a network is {@code docker-<id12>} with the full
 * ID in a label, an endpoint {@code docker-<id12>} on its network, and a container's sandbox is
 * named after its namespace file ({@code /var/run/docker/netns/<id12>}). Looking one up is then
 * one index read, and {@code netmgr network ls} shows the IDs {@code docker network ls} shows.
 */
final class DockerNames {
    /** The label holding dockerd's full network ID (it also tells netmgr's resolver to leave the network to dockerd's). */
    static final String NETWORK_ID_LABEL = NameResolution.DOCKERD_NETWORK_LABEL;
    /** What dockerd renames the interface to, plus a number: eth0, eth1... */
    static final String CONTAINER_INTERFACE_PREFIX = "eth";

    private DockerNames() {
    }

    static String network(String dockerNetworkId) {
        return "docker-" + shortId("NetworkID", dockerNetworkId);
    }

    static String endpoint(String dockerEndpointId) {
        return "docker-" + shortId("EndpointID", dockerEndpointId);
    }

    /**
     * The name the endpoint's interface has in the host namespace between Join and dockerd moving
     * it into the container: "nmd" + 12 hex digits, within the kernel's 15 bytes, and unlike the
     * bridge's host side ("nmv"), so the two ends of the pair never clash.
     */
    static String transitInterface(String dockerEndpointId) {
        return "nmd" + shortId("EndpointID", dockerEndpointId);
    }

    /** The sandbox of the container whose namespace is {@code sandboxKey}. */
    static String sandbox(String sandboxKey) {
        if (sandboxKey == null || sandboxKey.isBlank() || !sandboxKey.startsWith("/")) {
            throw new IllegalArgumentException("SandboxKey \"" + sandboxKey + "\" is not the path of a network namespace");
        }
        String file = Path.of(sandboxKey).getFileName().toString().replaceAll("[^a-zA-Z0-9_.-]", "-");
        return "docker-" + (file.length() > 57 ? file.substring(0, 57) : file);
    }

    private static String shortId(String field, String id) {
        if (id == null || !id.matches("[0-9a-f]{12,}")) {
            throw new IllegalArgumentException(field + " \"" + id + "\" is not a Docker ID (at least 12 lower-case hex digits)");
        }
        return id.substring(0, 12);
    }
}
