package io.netmgr.core.endpoint;

import java.util.List;
import java.util.Optional;

/** What a caller may ask of a new endpoint; everything is optional. */
public record EndpointConfig(String name, Optional<String> ipv4, Optional<String> ipv6, Optional<String> mac,
                             List<String> aliases, Optional<String> interfaceName) {

    public EndpointConfig {
        aliases = List.copyOf(aliases);
    }

    public static EndpointConfig named(String name) {
        return new EndpointConfig(name, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty());
    }

    public EndpointConfig withIpv4(String ip) {
        return new EndpointConfig(name, Optional.of(ip), ipv6, mac, aliases, interfaceName);
    }

    public EndpointConfig withIpv6(String ip) {
        return new EndpointConfig(name, ipv4, Optional.of(ip), mac, aliases, interfaceName);
    }

    public EndpointConfig withMac(String m) {
        return new EndpointConfig(name, ipv4, ipv6, Optional.of(m), aliases, interfaceName);
    }

    public EndpointConfig withInterfaceName(String ifName) {
        return new EndpointConfig(name, ipv4, ipv6, mac, aliases, Optional.of(ifName));
    }
}
