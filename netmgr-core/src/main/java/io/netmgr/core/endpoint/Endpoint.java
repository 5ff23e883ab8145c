package io.netmgr.core.endpoint;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.netmgr.core.Ids;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.ipam.IpAddress;
import java.util.List;
import java.util.Optional;

/**
 * A network attachment: its addresses (CIDR text, e.g. {@code 172.17.0.2/16}) are reserved
 * from the network's pools when it is created; {@code sandboxId} is set while it is joined.
 * {@code interfaceName} is its name inside the sandbox; {@code hostInterface} the driver's
 * host-side link, if any. {@code ports} are published, {@code routes} put in the sandbox and
 * {@code bandwidth} shaped while it is joined (each route with its gateway filled in).
 */
public record Endpoint(String id, String name, String networkId, List<String> addresses, String mac,
                       List<String> aliases, String interfaceName, String sandboxId, String hostInterface,
                       List<PortBinding> ports, List<EndpointRoute> routes, Bandwidth bandwidth) {

    public Endpoint {
        addresses = List.copyOf(addresses);
        aliases = List.copyOf(aliases);
        // absent in endpoints stored before these existed
        ports = ports == null ? List.of() : List.copyOf(ports);
        routes = routes == null ? List.of() : List.copyOf(routes);
        bandwidth = bandwidth == null ? Bandwidth.NONE : bandwidth;
    }

    public Optional<String> sandbox() {
        return Optional.ofNullable(sandboxId);
    }

    public Endpoint joined(String sandbox, String ifName, String hostSide) {
        return new Endpoint(id, name, networkId, addresses, mac, aliases, ifName, sandbox, hostSide, ports, routes, bandwidth);
    }

    /** The same endpoint with other bandwidth limits. */
    public Endpoint withBandwidth(Bandwidth limits) {
        return new Endpoint(id, name, networkId, addresses, mac, aliases, interfaceName, sandboxId, hostInterface, ports, routes, limits);
    }

    public Endpoint left() {
        return new Endpoint(id, name, networkId, addresses, mac, aliases, interfaceName, null, null, ports, routes, bandwidth);
    }

    /** The endpoint's addresses without their prefix lengths. */
    @JsonIgnore
    public List<IpAddress> ips() {
        return addresses.stream().map(cidr -> IpAddress.parse(cidr.substring(0, cidr.indexOf('/')))).toList();
    }

    /** What the firewall must publish for this endpoint: each binding on each address of its family. */
    @JsonIgnore
    public List<PortMapping> portMappings() {
        List<IpAddress> ips = ips();
        return ports.stream().flatMap(b -> b.toMappings(networkId, owner(), ips).stream()).toList();
    }

    /** How the firewall names this endpoint when another wants one of its host ports: name and short id. */
    @JsonIgnore
    public String owner() {
        return name + " (" + Ids.shortId(id) + ")";
    }
}
