package io.netmgr.core.firewall;

import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the firewall must do for one service: answer on its virtual IPs (one per network, any
 * port, to the same port of a backend on that network) and on its published ports (ingress: every
 * backend, source NATed; host: the backends of this host, client address kept), choosing a backend
 * at random per new flow. A service without backends answers nothing (the connection is refused
 * by the host, as a Kubernetes service without endpoints is rejected).
 *
 * @param serviceId the service's id (64 hex); its chains are named after its first 12 characters
 * @param name      the service's name, for messages
 * @param vips      the virtual IPs, none in dnsrr mode
 * @param ports     the published ports
 * @param backends  the backends, each an endpoint's address on one of the service's networks
 */
public record ServiceRules(String serviceId, String name, List<Vip> vips, List<ServicePort> ports, List<Backend> backends) {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{12,64}");

    /** A virtual IP of the service on network {@code networkId}. */
    public record Vip(String networkId, IpAddress address) {
        public Vip {
            Objects.requireNonNull(networkId, "networkId");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * A backend: endpoint {@code endpointId}'s {@code address} on network {@code networkId}, in
     * sandbox {@code sandboxId}; {@code local} when it runs on this host (host-mode ports reach only those).
     */
    public record Backend(String networkId, String endpointId, String sandboxId, IpAddress address, boolean local) {
        public Backend {
            Objects.requireNonNull(networkId, "networkId");
            Objects.requireNonNull(endpointId, "endpointId");
            Objects.requireNonNull(sandboxId, "sandboxId");
            Objects.requireNonNull(address, "address");
        }
    }

    public ServiceRules {
        if (serviceId == null || !ID.matcher(serviceId).matches()) {
            throw FirewallException.invalid("bad service id \"" + serviceId + "\": give its 64 hex characters");
        }
        Objects.requireNonNull(name, "name");
        vips = List.copyOf(vips);
        ports = List.copyOf(ports);
        backends = List.copyOf(backends);
        Set<ServicePort.Key> keys = new HashSet<>();
        for (ServicePort p : ports) {
            if (!keys.add(p.key())) {
                throw new FirewallException(FirewallException.Reason.PORT_ALREADY_PUBLISHED, "service " + name
                        + " publishes port " + p.key() + " twice; give each published port once");
            }
        }
        Set<String> vipNetworks = new HashSet<>();
        for (Vip v : vips) {
            if (!vipNetworks.add(v.networkId())) {
                throw FirewallException.invalid("service " + name + " has two virtual IPs on network " + v.networkId());
            }
        }
    }

    /** The short form of the id that names the service's chains. */
    public String shortId() {
        return serviceId.substring(0, 12);
    }

    /** The service's virtual IP on {@code networkId}, if it has one there. */
    public Optional<Vip> vipOn(String networkId) {
        return vips.stream().filter(v -> v.networkId().equals(networkId)).findFirst();
    }

    /** The backends on network {@code networkId}, which its virtual IP there spreads over. */
    public List<Backend> backendsOn(String networkId) {
        return backends.stream().filter(b -> b.networkId().equals(networkId)).toList();
    }

    /**
     * The backends a published port in {@code mode} spreads over: one address per sandbox (a
     * sandbox on two of the service's networks is one task, not two), the local ones alone in host mode.
     */
    public List<Backend> backendsFor(PublishMode mode) {
        Set<String> sandboxes = new HashSet<>();
        List<Backend> chosen = new ArrayList<>();
        for (Backend b : backends) {
            if ((mode == PublishMode.INGRESS || b.local()) && sandboxes.add(b.sandboxId())) {
                chosen.add(b);
            }
        }
        return chosen;
    }

    /** The same service with other backends. */
    public ServiceRules withBackends(List<Backend> next) {
        return new ServiceRules(serviceId, name, vips, ports, next);
    }

    /** The same service with other published ports. */
    public ServiceRules withPorts(List<ServicePort> next) {
        return new ServiceRules(serviceId, name, vips, next, backends);
    }

    /**
     * The host ports the service claims, as port mappings naming it, so that one index refuses a
     * container's port that a service holds and the other way round. The container side is
     * nominal: the service's first virtual IP (0.0.0.0 without one) and the target port.
     */
    public List<PortMapping> hostPortClaims() {
        IpAddress nominal = vips.isEmpty() ? IpAddress.parse("0.0.0.0") : vips.get(0).address();
        String network = vips.isEmpty() ? "service" : vips.get(0).networkId();
        return ports.stream().map(p -> PortMapping.of(network, owner(), p.protocol(), PortRange.of(p.published()),
                nominal, PortRange.of(p.target()))).toList();
    }

    /** How refusals name the service: name and short id, as endpoints are named. */
    public String owner() {
        return "service " + name + " (" + shortId() + ")";
    }
}
