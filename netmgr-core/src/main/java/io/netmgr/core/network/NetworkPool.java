package io.netmgr.core.network;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.netmgr.core.AddressJson;
import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.Pool;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One address pool of a network, as IPAM granted it: pool id, subnet, gateway, where in the
 * subnet addresses are handed out ({@code ranges}: Docker's IPRange such as {@code 10.1.0.128/25},
 * or CNI address ranges such as {@code 10.1.0.10-10.1.0.20}; none for the whole subnet) and the
 * auxiliary addresses kept from endpoints. Stored as text, the ranges as one comma-separated
 * {@code ipRange}; networks stored before ranges were recorded here read back with neither.
 */
public record NetworkPool(
        String poolId,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = AddressJson.IpPrefixText.class)
        IpPrefix subnet,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = AddressJson.IpAddressText.class)
        IpAddress gateway,
        @JsonProperty("ipRange") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonSerialize(using = AddressJson.RangesWriter.class) @JsonDeserialize(using = AddressJson.RangesText.class)
        List<AddressRange> ranges,
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonSerialize(contentUsing = ToStringSerializer.class) @JsonDeserialize(contentUsing = AddressJson.IpAddressText.class)
        Map<String, IpAddress> auxiliaryAddresses) {

    public NetworkPool {
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(gateway, "gateway");
        ranges = ranges == null ? List.of() : List.copyOf(ranges);
        auxiliaryAddresses = auxiliaryAddresses == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(auxiliaryAddresses));
    }

    /** The network's record of {@code pool}. */
    public static NetworkPool of(Pool pool) {
        return new NetworkPool(pool.id(), pool.subnet(), pool.gateway(),
                pool.config().isNarrowed() ? pool.config().allocationRanges() : List.of(), pool.config().auxiliaryAddresses());
    }

    @JsonIgnore
    public IpFamily family() {
        return subnet.family();
    }

    /** The gateway as an interface address: {@code 10.1.0.1/24}. */
    @JsonIgnore
    public IpNet gatewayAddress() {
        return new IpNet(gateway, subnet.length());
    }

    /** The ranges addresses are handed out from as a user reads them, when the user narrowed the subnet. */
    @JsonIgnore
    public Optional<String> rangeText() {
        return ranges.isEmpty() ? Optional.empty() : Optional.of(AddressRange.format(ranges));
    }
}
