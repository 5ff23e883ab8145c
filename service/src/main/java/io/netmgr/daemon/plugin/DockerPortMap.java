package io.netmgr.daemon.plugin;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.firewall.PortRange;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * dockerd's port map ({@code com.docker.network.portmap}: what {@code -p} and {@code -P} asked
 * for) made into netmgr's {@link PortBinding}s, and back for {@code EndpointOperInfo}. With a
 * remote driver dockerd allocates no host port itself: a host port 0 (as {@code -P} and
 * {@code -p 80} send) or a range ({@code -p 8000-8010:80}) is settled here, to the first port
 * no endpoint publishes yet, from the ephemeral range dockerd's allocator uses for 0.
 */
final class DockerPortMap {
    static final String PORT_MAP = "com.docker.network.portmap";
    static final int EPHEMERAL_FIRST = 49153;
    static final int EPHEMERAL_LAST = 60999;
    private static final int TCP = 6;
    private static final int UDP = 17;

    private DockerPortMap() {
    }

    /**
     * The bindings {@code options} ask for, each host port settled against {@code taken} (the
     * bindings of every endpoint); refuses a malformed entry naming it.
     */
    static List<PortBinding> bindings(Map<String, Object> options, List<PortBinding> taken) {
        Object map = options == null ? null : options.get(PORT_MAP);
        if (map == null) {
            return List.of();
        }
        if (!(map instanceof List<?> entries)) {
            throw new IllegalArgumentException(PORT_MAP + " must be a list of port bindings");
        }
        List<PortBinding> settled = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException(PORT_MAP + "[" + i + "] must be an object");
            }
            String where = PORT_MAP + "[" + i + "]";
            Protocol protocol = protocol(number(entry, "Proto", where), where);
            int port = number(entry, "Port", where);
            // 0.0.0.0 (-p 0.0.0.0:8080:80) means every host address, as no address does
            Optional<IpAddress> hostIp = text(entry, "HostIP").map(ip -> IpAddress.parse(ip, where + " HostIP"))
                    .filter(ip -> !ip.isUnspecified());
            int first = number(entry, "HostPort", where);
            int last = Math.max(first, number(entry, "HostPortEnd", where));
            List<PortBinding> others = new ArrayList<>(taken);
            others.addAll(settled);
            int hostPort = first == 0 ? free(protocol, EPHEMERAL_FIRST, EPHEMERAL_LAST, others, where)
                    : first == last ? first : free(protocol, first, last, others, where);
            settled.add(new PortBinding(protocol, hostIp, PortRange.of(hostPort), PortRange.of(port)));
        }
        return settled;
    }

    /** {@code endpoint}'s published ports as dockerd shows them ({@code docker port}, inspect). */
    static List<Map<String, Object>> render(Endpoint endpoint) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PortBinding b : endpoint.ports()) {
            for (int i = 0; i < b.hostPorts().size(); i++) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("Proto", b.protocol() == Protocol.TCP ? TCP : UDP);
                entry.put("IP", endpoint.ips().isEmpty() ? "" : endpoint.ips().get(0).toString());
                entry.put("Port", b.containerPorts().first() + i);
                entry.put("HostIP", b.hostIp().map(IpAddress::toString).orElse(""));
                entry.put("HostPort", b.hostPorts().first() + i);
                entry.put("HostPortEnd", b.hostPorts().first() + i);
                out.add(entry);
            }
        }
        return out;
    }

    private static int free(Protocol protocol, int first, int last, List<PortBinding> taken, String where) {
        for (int p = first; p <= last; p++) {
            int port = p;
            if (taken.stream().noneMatch(b -> b.protocol() == protocol && b.hostPorts().overlaps(PortRange.of(port)))) {
                return port;
            }
        }
        throw new IllegalArgumentException(where + ": every host port from " + first + " to " + last + "/" + protocol
                + " is already allocated; free one or publish on another port");
    }

    private static Protocol protocol(int number, String where) {
        return switch (number) {
            case TCP -> Protocol.TCP;
            case UDP -> Protocol.UDP;
            default -> throw new IllegalArgumentException(where + ": protocol " + number + " cannot be published; "
                    + "netmgr publishes tcp and udp ports");
        };
    }

    private static int number(Map<?, ?> entry, String field, String where) {
        Object v = entry.get(field);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n) || n.intValue() < 0 || n.intValue() > PortRange.MAX_PORT) {
            throw new IllegalArgumentException(where + " " + field + " \"" + v + "\" is not a port number (0-65535)");
        }
        return n.intValue();
    }

    private static Optional<String> text(Map<?, ?> entry, String field) {
        Object v = entry.get(field);
        return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString());
    }
}
