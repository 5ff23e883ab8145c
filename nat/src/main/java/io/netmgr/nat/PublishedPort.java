package io.netmgr.nat;

import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One host port forwarded to one container port: a {@link PortMapping}'s range unrolled. Both
 * backends program ranges port by port, so that 8000-8002 to 80-82 maps 8001 to 81 exactly
 * (a NAT range would pick any port of the range) and so that nftables map elements stay exact keys.
 */
public record PublishedPort(Protocol protocol, Optional<IpAddress> hostIp, int hostPort, IpAddress containerIp,
        int containerPort) {

    public IpFamily family() {
        return containerIp.family();
    }

    /** As a user reads it: {@code tcp 198.51.100.1:8080 -> 10.1.0.2:80}, or {@code tcp 8080 -> ...} on every address. */
    public String describe() {
        String target = containerIp.uriHost() + ":" + containerPort;
        String host = hostIp.map(ip -> ip.uriHost() + ":").orElse("") + hostPort;
        return protocol.keyword() + " " + host + " -> " + target;
    }

    /** Every port of every mapping, in the mappings' order. */
    public static List<PublishedPort> of(List<PortMapping> mappings) {
        List<PublishedPort> out = new ArrayList<>();
        for (PortMapping m : mappings) {
            for (int i = 0; i < m.hostPorts().size(); i++) {
                out.add(new PublishedPort(m.protocol(), m.hostIp(), m.hostPorts().first() + i, m.containerIp(),
                        m.containerPorts().first() + i));
            }
        }
        return out;
    }
}
