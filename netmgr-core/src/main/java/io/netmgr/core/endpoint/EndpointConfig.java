package io.netmgr.core.endpoint;

import java.util.List;
import java.util.Optional;

/**
 * What a caller may ask of a new endpoint; everything but the name is optional. {@code ports}
 * are published when the endpoint joins a sandbox and withdrawn when it leaves; {@code routes}
 * are put in the sandbox and {@code bandwidth} shaped on join.
 */
public record EndpointConfig(String name, Optional<String> ipv4, Optional<String> ipv6, Optional<String> mac,
                             List<String> aliases, Optional<String> interfaceName, List<PortBinding> ports,
                             List<EndpointRoute> routes, Bandwidth bandwidth) {

    public EndpointConfig {
        aliases = List.copyOf(aliases);
        ports = List.copyOf(ports);
        routes = List.copyOf(routes);
    }

    public static EndpointConfig named(String name) {
        return new EndpointConfig(name, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                List.of(), List.of(), Bandwidth.NONE);
    }

    public EndpointConfig withIpv4(String ip) {
        return new EndpointConfig(name, Optional.of(ip), ipv6, mac, aliases, interfaceName, ports, routes, bandwidth);
    }

    public EndpointConfig withIpv6(String ip) {
        return new EndpointConfig(name, ipv4, Optional.of(ip), mac, aliases, interfaceName, ports, routes, bandwidth);
    }

    public EndpointConfig withMac(String m) {
        return new EndpointConfig(name, ipv4, ipv6, Optional.of(m), aliases, interfaceName, ports, routes, bandwidth);
    }

    public EndpointConfig withAliases(List<String> names) {
        return new EndpointConfig(name, ipv4, ipv6, mac, names, interfaceName, ports, routes, bandwidth);
    }

    public EndpointConfig withInterfaceName(String ifName) {
        return new EndpointConfig(name, ipv4, ipv6, mac, aliases, Optional.of(ifName), ports, routes, bandwidth);
    }

    public EndpointConfig withPorts(List<PortBinding> published) {
        return new EndpointConfig(name, ipv4, ipv6, mac, aliases, interfaceName, published, routes, bandwidth);
    }

    /** {@link #withPorts} from Docker's specs, e.g. {@code "127.0.0.1:8080:80/tcp"}. */
    public EndpointConfig withPorts(String... specs) {
        return withPorts(PortBinding.parseAll(List.of(specs)));
    }

    public EndpointConfig withRoutes(List<EndpointRoute> extra) {
        return new EndpointConfig(name, ipv4, ipv6, mac, aliases, interfaceName, ports, extra, bandwidth);
    }

    public EndpointConfig withBandwidth(Bandwidth limits) {
        return new EndpointConfig(name, ipv4, ipv6, mac, aliases, interfaceName, ports, routes, limits);
    }
}
