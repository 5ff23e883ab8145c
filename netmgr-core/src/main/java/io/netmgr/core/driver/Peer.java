package io.netmgr.core.driver;

import java.util.List;

/**
 * An endpoint of a global-scope network as other hosts learn of it: which network, which
 * endpoint, the host it lives on (its underlay address, where a VXLAN peer is reached), its
 * addresses (CIDR text) and MAC.
 */
public record Peer(String networkId, String endpointId, String host, List<String> addresses, String mac) {
    public Peer {
        addresses = List.copyOf(addresses);
    }
}
