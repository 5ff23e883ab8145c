package io.netmgr.daemon;

import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Map;

/** One subnet of a network create request, in either API's field names, made into an {@link IpamConfig}. */
public final class Subnets {
    private Subnets() {
    }

    /**
     * {@code subnet} with its optional range, gateway and auxiliary addresses; {@code field}
     * names where it came from in the request, so an error points at it (e.g. {@code subnets[1]}).
     */
    public static IpamConfig config(String field, String subnet, String ipRange, String gateway, Map<String, String> aux) {
        if (subnet == null || subnet.isBlank()) {
            throw new IllegalArgumentException(field + ": subnet is missing; give one in CIDR form such as 10.1.0.0/24");
        }
        IpamConfig config = IpamConfig.of(IpPrefix.parse(subnet, field + " subnet"));
        if (ipRange != null && !ipRange.isBlank()) {
            config = config.withIpRange(IpPrefix.parse(ipRange, field + " ip range"));
        }
        if (gateway != null && !gateway.isBlank()) {
            config = config.withGateway(IpAddress.parse(gateway, field + " gateway"));
        }
        if (aux != null) {
            for (Map.Entry<String, String> e : aux.entrySet()) {
                config = config.withAuxiliaryAddress(e.getKey(), IpAddress.parse(e.getValue(), field + " auxiliary address " + e.getKey()));
            }
        }
        return config;
    }
}
