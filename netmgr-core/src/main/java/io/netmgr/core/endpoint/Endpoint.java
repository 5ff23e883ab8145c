package io.netmgr.core.endpoint;

import java.util.List;
import java.util.Optional;

/**
 * A network attachment: its addresses (CIDR text, e.g. {@code 172.17.0.2/16}) are reserved
 * from the network's pools when it is created; {@code sandboxId} is set while it is joined.
 * {@code interfaceName} is its name inside the sandbox; {@code hostInterface} the driver's
 * host-side link, if any.
 */
public record Endpoint(String id, String name, String networkId, List<String> addresses, String mac,
                       List<String> aliases, String interfaceName, String sandboxId, String hostInterface) {

    public Endpoint {
        addresses = List.copyOf(addresses);
        aliases = List.copyOf(aliases);
    }

    public Optional<String> sandbox() {
        return Optional.ofNullable(sandboxId);
    }

    public Endpoint joined(String sandbox, String ifName, String hostSide) {
        return new Endpoint(id, name, networkId, addresses, mac, aliases, ifName, sandbox, hostSide);
    }

    public Endpoint left() {
        return new Endpoint(id, name, networkId, addresses, mac, aliases, interfaceName, null, null);
    }
}
