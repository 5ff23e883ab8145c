package io.netmgr.core.driver;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.netmgr.core.AddressJson;
import io.netmgr.netlink.addr.IpNet;
import java.util.List;

/**
 * An endpoint of a global-scope network as other hosts learn of it: which network, which
 * endpoint, the host it lives on (its underlay address, where a VXLAN peer is reached), its
 * addresses (stored as text, e.g. {@code 10.8.0.2/24}) and MAC.
 */
public record Peer(String networkId, String endpointId, String host,
                   @JsonSerialize(contentUsing = ToStringSerializer.class)
                   @JsonDeserialize(contentUsing = AddressJson.IpNetText.class) List<IpNet> addresses, String mac) {
    public Peer {
        addresses = List.copyOf(addresses);
    }
}
