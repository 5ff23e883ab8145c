package io.netmgr.core.service;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.netmgr.core.AddressJson;
import io.netmgr.netlink.addr.IpNet;
import java.util.Objects;

/**
 * A service's virtual IP on one network, granted by that network's IPAM with its prefix length
 * ({@code 10.0.1.2/24}), owned by the service's id until the service is removed.
 */
public record ServiceVip(String networkId,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = AddressJson.IpNetText.class) IpNet address) {

    public ServiceVip {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(address, "address");
    }
}
