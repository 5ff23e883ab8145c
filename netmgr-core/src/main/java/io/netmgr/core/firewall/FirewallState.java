package io.netmgr.core.firewall;

import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The whole rule set netmgr wants on one host: its networks, their published ports and its
 * services (virtual IPs and service ports, see {@link ServiceRules}). A value:
 * callers derive the next state from the current one ({@link #withNetwork}, {@link #withPort}...)
 * and hand it to {@link Firewall#apply}. Every state that can be built is consistent (unique
 * networks and bridges, each port on a known network and inside its subnet, no host port claimed
 * twice); only the host-address check needs the host, and {@link #checkHostAddresses} does it.
 */
public record FirewallState(List<NetworkRules> networks, List<PortMapping> ports, List<ServiceRules> services) {
    public static final FirewallState EMPTY = new FirewallState(List.of(), List.of(), List.of());

    /** A state without services. */
    public FirewallState(List<NetworkRules> networks, List<PortMapping> ports) {
        this(networks, ports, List.of());
    }

    public FirewallState {
        networks = List.copyOf(Objects.requireNonNull(networks, "networks"));
        ports = List.copyOf(Objects.requireNonNull(ports, "ports"));
        services = List.copyOf(Objects.requireNonNull(services, "services"));
        Map<String, NetworkRules> byId = new HashMap<>();
        Map<String, NetworkRules> byBridge = new HashMap<>();
        for (NetworkRules n : networks) {
            if (byId.putIfAbsent(n.networkId(), n) != null) {
                throw FirewallException.invalid("network " + n.networkId() + " is given twice");
            }
            NetworkRules other = byBridge.putIfAbsent(n.bridge(), n);
            if (other != null) {
                throw FirewallException.invalid("bridge " + n.bridge() + " of network " + n.networkId()
                        + " already belongs to network " + other.networkId() + "; each network needs its own bridge");
            }
        }
        // indexed by host port, so that checking n mappings costs O(n), not O(n^2)
        HostPortIndex claimed = new HostPortIndex();
        for (PortMapping p : ports) {
            checkNetwork(p, byId.get(p.networkId()));
            claimed.claim(p);
        }
        Set<String> serviceIds = new HashSet<>();
        for (ServiceRules s : services) {
            if (!serviceIds.add(s.serviceId())) {
                throw FirewallException.invalid("service " + s.serviceId() + " is given twice");
            }
            checkService(s, byId);
            s.hostPortClaims().forEach(claimed::claim);
        }
    }

    /** Refuses a service whose virtual IPs or backends are not on a known, non-internal network holding them. */
    private static void checkService(ServiceRules s, Map<String, NetworkRules> byId) {
        for (ServiceRules.Vip v : s.vips()) {
            NetworkRules n = byId.get(v.networkId());
            if (n == null || n.subnets(v.address().family()).stream().noneMatch(p -> p.contains(v.address()))) {
                throw new FirewallException(FirewallException.Reason.UNKNOWN_NETWORK, s.owner() + ": virtual IP "
                        + v.address() + " is not in the subnets of a network in the firewall state (" + v.networkId() + ")");
            }
        }
        for (ServiceRules.Backend b : s.backends()) {
            if (!byId.containsKey(b.networkId())) {
                throw new FirewallException(FirewallException.Reason.UNKNOWN_NETWORK, s.owner() + ": backend "
                        + b.address() + " is on network " + b.networkId() + ", which is not in the firewall state");
            }
        }
    }

    /** This state plus {@code network}, or with it replaced when its id is already there. */
    public FirewallState withNetwork(NetworkRules network) {
        List<NetworkRules> next = new ArrayList<>();
        boolean replaced = false;
        for (NetworkRules n : networks) {
            if (n.networkId().equals(network.networkId())) {
                next.add(network);
                replaced = true;
            } else {
                next.add(n);
            }
        }
        if (!replaced) {
            next.add(network);
        }
        return new FirewallState(next, ports, services);
    }

    /** This state without network {@code networkId} and its ports. */
    public FirewallState withoutNetwork(String networkId) {
        return new FirewallState(networks.stream().filter(n -> !n.networkId().equals(networkId)).toList(),
                ports.stream().filter(p -> !p.networkId().equals(networkId)).toList(), services);
    }

    /** This state plus {@code added}; refused (naming the owner) when a host port is taken. */
    public FirewallState withPort(PortMapping... added) {
        List<PortMapping> next = new ArrayList<>(ports);
        next.addAll(List.of(added));
        return new FirewallState(networks, next, services);
    }

    /** This state without every port mapping of {@code owner}. */
    public FirewallState withoutPortsOf(String owner) {
        return withoutPorts(p -> p.owner().equals(owner));
    }

    /** This state without the port mappings {@code which} selects. */
    public FirewallState withoutPorts(Predicate<PortMapping> which) {
        return new FirewallState(networks, ports.stream().filter(which.negate()).toList(), services);
    }

    /** This state plus {@code service}, or with it replaced when its id is already there. */
    public FirewallState withService(ServiceRules service) {
        List<ServiceRules> next = new ArrayList<>(services.size() + 1);
        services.stream().filter(s -> !s.serviceId().equals(service.serviceId())).forEach(next::add);
        next.add(service);
        return new FirewallState(networks, ports, next);
    }

    /** This state without service {@code serviceId}. */
    public FirewallState withoutService(String serviceId) {
        return new FirewallState(networks, ports, services.stream().filter(s -> !s.serviceId().equals(serviceId)).toList());
    }

    public Optional<ServiceRules> service(String serviceId) {
        return services.stream().filter(s -> s.serviceId().equals(serviceId)).findFirst();
    }

    public Optional<NetworkRules> network(String networkId) {
        return networks.stream().filter(n -> n.networkId().equals(networkId)).findFirst();
    }

    public boolean isEmpty() {
        return networks.isEmpty() && ports.isEmpty() && services.isEmpty();
    }

    /**
     * Refuses a state that publishes on an address the host does not have: such a mapping would
     * never see a packet, and is almost always a typo. {@code hostAddresses} are the addresses of
     * the host namespace (127.0.0.1 among them).
     */
    public void checkHostAddresses(Set<IpAddress> hostAddresses) {
        checkHostAddresses(ports, hostAddresses);
    }

    /** {@link #checkHostAddresses(Set)} for some mappings only. */
    public static void checkHostAddresses(List<PortMapping> ports, Set<IpAddress> hostAddresses) {
        if (ports.stream().allMatch(p -> p.hostIp().isEmpty())) {
            return;
        }
        for (PortMapping p : ports) {
            if (p.hostIp().isPresent() && !hostAddresses.contains(p.hostIp().get())) {
                throw new FirewallException(FirewallException.Reason.HOST_ADDRESS_NOT_LOCAL, "cannot publish " + p
                        + " for " + p.owner() + ": host address " + p.hostIp().get() + " is not an address of this"
                        + " host; use one of " + hostAddresses.stream().sorted().map(IpAddress::toString).toList()
                        + ", or omit it to publish on every address");
            }
        }
    }

    /**
     * Refuses {@code p} unless {@code network} exists (not null), is not internal and holds
     * {@code p}'s container address: what every state checks of each of its ports.
     */
    public static void checkNetwork(PortMapping p, NetworkRules network) {
        if (network == null) {
            throw new FirewallException(FirewallException.Reason.UNKNOWN_NETWORK, "cannot publish " + p + " for "
                    + p.owner() + ": network " + p.networkId() + " is not in the firewall state; add the network first");
        }
        if (network.internal()) {
            throw FirewallException.invalid("cannot publish " + p + " for " + p.owner() + ": network "
                    + network.networkId() + " is internal, so nothing outside it may reach its containers");
        }
        if (network.subnets(p.family()).stream().noneMatch(s -> s.contains(p.containerIp()))) {
            throw FirewallException.invalid("cannot publish " + p + " for " + p.owner() + ": container address "
                    + p.containerIp() + " is not in network " + network.networkId() + "'s subnets "
                    + network.subnets());
        }
    }
}
