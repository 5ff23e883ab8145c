package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.netlink.addr.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * The pools a new network asks its IPAM for: decided, and refused, before the creation writes
 * or grants anything.
 */
final class NetworkPoolRequests {
    private NetworkPoolRequests() {
    }

    /** The pools {@code config} asks for, its default ones added; refuses an IPv6 subnet without IPv6 before anything is granted. */
    static List<PoolRequest> of(NetworkConfig config) {
        // host and none carry no addresses, as in Docker
        if (config.driver().equals("host") || config.driver().equals("none")) {
            return List.of();
        }
        List<PoolRequest> requests = new ArrayList<>();
        for (IpamConfig c : config.ipam()) {
            if (c.family() == IpFamily.V6 && !config.enableIpv6()) {
                throw NetmgrException.invalid("network " + config.name() + ": subnet " + c.subnet()
                        + " is IPv6 but IPv6 is not enabled; enable IPv6 or drop the subnet");
            }
            requests.add(PoolRequest.of(config.name(), c));
        }
        if (requests.stream().noneMatch(r -> r.family() == IpFamily.V4)) {
            requests.add(PoolRequest.defaultPool(config.name(), IpFamily.V4));
        }
        if (config.enableIpv6() && requests.stream().noneMatch(r -> r.family() == IpFamily.V6)) {
            requests.add(PoolRequest.defaultPool(config.name(), IpFamily.V6));
        }
        return requests;
    }
}
