package io.netmgr.core.service;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.netmgr.core.AddressJson;
import io.netmgr.netlink.addr.IpNet;
import java.util.Objects;

/**
 * One backend of a service: endpoint {@code endpointId} of sandbox {@code sandboxId} on network
 * {@code networkId}, reached at {@code address}, running on host {@code host}. Stored one key
 * per backend, so adding or removing one writes only its own key.
 */
public record ServiceBackend(String serviceId, String endpointId, String sandboxId, String sandboxName, String networkId,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = AddressJson.IpNetText.class) IpNet address,
        String host) {

    public ServiceBackend {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
    }
}
