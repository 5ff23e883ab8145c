package io.netmgr.core.endpoint;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.PortRange;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.netlink.addr.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A port an endpoint asks to publish, before its addresses are known: Docker's
 * {@code -p [hostIp:]hostPorts:containerPorts[/protocol]}. At join it becomes one
 * {@link PortMapping} per endpoint address of a matching family, so {@code 8080:80} on a
 * dual-stack network is published on IPv4 and IPv6, as Docker does. Stored as its spec text.
 */
public record PortBinding(Protocol protocol, Optional<IpAddress> hostIp, PortRange hostPorts, PortRange containerPorts) {

    public PortBinding {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostIp, "hostIp (use Optional.empty() for every host address)");
        Objects.requireNonNull(hostPorts, "hostPorts");
        Objects.requireNonNull(containerPorts, "containerPorts");
        PortMapping.requireSameSize(hostPorts, containerPorts);
    }

    /**
     * Parses {@code [hostIp:]hostPorts:containerPorts[/protocol]}, e.g. {@code 127.0.0.1:8080:80/tcp},
     * {@code 8000-8010:9000-9010/udp}, {@code [fd00::1]:80:80}.
     */
    @JsonCreator
    public static PortBinding parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw invalid("publish spec is empty; write [host-ip:]host-port:container-port[/protocol]");
        }
        String s = spec.trim();
        Protocol protocol = Protocol.TCP;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            protocol = Protocol.parse(s.substring(slash + 1));
            s = s.substring(0, slash);
        }
        int lastColon = s.lastIndexOf(':');
        if (lastColon < 0) {
            throw invalid("publish spec \"" + spec + "\" has no host port; write [host-ip:]host-port:container-port"
                    + "[/protocol], e.g. 8080:80");
        }
        PortRange containerPorts = PortRange.parse(s.substring(lastColon + 1), "container port");
        String hostPart = s.substring(0, lastColon);
        Optional<IpAddress> hostIp = Optional.empty();
        int ipEnd = hostPart.lastIndexOf(':');
        if (ipEnd >= 0) {
            String ip = hostPart.substring(0, ipEnd);
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
            try {
                hostIp = Optional.of(IpAddress.parse(ip, "host address"));
            } catch (IllegalArgumentException e) {
                throw invalid("publish spec \"" + spec + "\": " + e.getMessage());
            }
            hostPart = hostPart.substring(ipEnd + 1);
        }
        return new PortBinding(protocol, hostIp, PortRange.parse(hostPart, "host port"), containerPorts);
    }

    /** Parses each of {@code specs}. */
    public static List<PortBinding> parseAll(List<String> specs) {
        return specs.stream().map(PortBinding::parse).toList();
    }

    /**
     * The mappings of this binding for an endpoint with {@code containerIps}: one per address whose
     * family matches the host address (every family when none is given).
     */
    public List<PortMapping> toMappings(String networkId, String owner, List<IpAddress> containerIps) {
        return containerIps.stream()
                .filter(ip -> hostIp.isEmpty() || hostIp.get().family() == ip.family())
                .map(ip -> toMapping(networkId, owner, ip))
                .toList();
    }

    /** The mapping of this binding to {@code containerIp}, which must be of the host address's family. */
    public PortMapping toMapping(String networkId, String owner, IpAddress containerIp) {
        return new PortMapping(networkId, owner, protocol, hostIp, hostPorts, containerIp, containerPorts);
    }

    /** The spec this binding was parsed from, in its one canonical spelling. */
    @JsonValue
    @Override
    public String toString() {
        String host = hostIp.map(ip -> ip.uriHost() + ":").orElse("");
        return host + hostPorts + ":" + containerPorts + "/" + protocol;
    }

    private static FirewallException invalid(String message) {
        return new FirewallException(FirewallException.Reason.INVALID_ARGUMENT, message);
    }
}
