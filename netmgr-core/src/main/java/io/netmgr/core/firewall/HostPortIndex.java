package io.netmgr.core.firewall;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host ports that port mappings claim, indexed by protocol, family and port, so that a new
 * mapping is checked against the others at a cost that grows with its own ports only. Mutable
 * and not thread-safe: a {@link FirewallState} builds one to validate itself, and a firewall
 * keeps one to publish ports one at a time.
 */
public final class HostPortIndex {
    private record HostPort(Protocol protocol, IpFamily family, int port) {
    }

    private final Map<HostPort, List<PortMapping>> byPort = new HashMap<>();

    /** Refuses {@code m} when a recorded mapping claims one of its host ports, naming that mapping's owner. */
    public void check(PortMapping m) {
        for (int port = m.hostPorts().first(); port <= m.hostPorts().last(); port++) {
            for (PortMapping earlier : byPort.getOrDefault(new HostPort(m.protocol(), m.family(), port), List.of())) {
                if (earlier.conflictsWith(m)) {
                    throw new FirewallException(FirewallException.Reason.PORT_ALREADY_PUBLISHED, "cannot publish " + m
                            + " for " + m.owner() + ": host port " + m.protocol() + "/" + earlier.hostPorts() + " on "
                            + earlier.hostIp().map(IpAddress::toString).orElse("every host address")
                            + " is already published by " + earlier.owner() + " (" + earlier
                            + "); choose another host port or host address");
                }
            }
        }
    }

    /** {@link #check}s {@code m}, then records it. */
    public void claim(PortMapping m) {
        check(m);
        for (int port = m.hostPorts().first(); port <= m.hostPorts().last(); port++) {
            byPort.computeIfAbsent(new HostPort(m.protocol(), m.family(), port), k -> new ArrayList<>(1)).add(m);
        }
    }

    /** Forgets {@code m}. */
    public void release(PortMapping m) {
        for (int port = m.hostPorts().first(); port <= m.hostPorts().last(); port++) {
            HostPort key = new HostPort(m.protocol(), m.family(), port);
            List<PortMapping> there = byPort.get(key);
            if (there != null) {
                there.remove(m);
                if (there.isEmpty()) {
                    byPort.remove(key);
                }
            }
        }
    }
}
