package io.netmgr.core.controller;


import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallRefusal;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.network.Network;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Predicate;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.service.ServiceRulesOf;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.service.ServiceBackend;
import io.netmgr.core.service.ServiceScope;
import io.netmgr.core.store.ScopedStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's side of the host firewall. The rules are a function of the store: each
 * network's {@link NetworkRules} (from its driver) and the port mappings of its joined endpoints.
 * Mutations change the firewall step by step (a network, an endpoint's ports); whenever the store
 * may hold more than this process has applied (at start, or after another process sharing the
 * store changed it) the whole state is derived again and taken over in one transaction. So a
 * crash between a rule change and its store commit heals at the next start.
 *
 * <p>Without a firewall (an engine that does its own, like Docker's {@code --iptables=false})
 * networks work but cannot publish ports.
 */
final class HostFirewall {
    private final Optional<Firewall> firewall;
    private final DriverRegistry drivers;
    private final StateStore state;
    private final ServiceScope services;
    private final Map<String, io.netmgr.netlink.addr.IpAddress> meshAddresses = new java.util.concurrent.ConcurrentHashMap<>();
    private long appliedRevision = -1;
    private boolean started;

    HostFirewall(Optional<Firewall> firewall, DriverRegistry drivers, StateStore state, ServiceScope services) {
        this.services = services;
        this.firewall = firewall;
        this.drivers = drivers;
        this.state = state;
    }

    Optional<Firewall> firewall() {
        return firewall;
    }

    /**
     * Starts keeping the firewall in line with the store, taking over the whole state; called
     * holding the host lock, once the reconciler has made the bridges the rules refer to.
     */
    void start() {
        started = true;
        catchUp();
    }

    /**
     * Takes over the whole state derived from the store unless this process applied the store's
     * current revision itself; call holding the host lock.
     */
    void catchUp() {
        if (!started || firewall.isEmpty() || localRevision() == appliedRevision) {
            return;
        }
        translate(() -> firewall.get().takeOver(fromStore()));
        appliedRevision = localRevision();
    }

    /**
     * Programs the rules this process holds again, sysctls included: after a network's bridge was
     * made again, whose per-bridge settings (route_localnet) went with the old one.
     */
    void reassert() {
        if (started) {
            firewall.ifPresent(f -> translate(f::restore));
        }
    }

    /** Records that the rules reflect the store as it is now; call holding the host lock after a mutation. */
    void caughtUp() {
        if (started && firewall.isPresent()) {
            appliedRevision = localRevision();
        }
    }

    /**
     * The revision of the host's own store, which other processes of this host (CNI plugins)
     * change behind this one's back. Not the cluster store's: what other hosts change there
     * reaches the firewall element by element from its watch ({@link ClusterFirewall}); taking
     * the whole state over for each of their changes would rewrite every rule.
     */
    private long localRevision() {
        return state.store() instanceof ScopedStore scoped ? scoped.local().revision() : state.store().revision();
    }

    /** The rules the store asks for: every network's, the ports of every joined endpoint, every service's. */
    FirewallState fromStore() {
        Map<String, Network> networks = new HashMap<>();
        List<NetworkRules> rules = new ArrayList<>();
        for (Network n : state.networks("")) {
            networks.put(n.id(), n);
            rulesOf(n).ifPresent(rules::add);
        }
        List<PortMapping> ports = new ArrayList<>();
        List<Endpoint> joined = new ArrayList<>();
        for (Endpoint e : state.endpoints()) {
            if (e.sandboxId() != null && networks.containsKey(e.networkId())) {
                ports.addAll(e.portMappings());
                joined.add(e);
            }
        }
        // a local backend takes traffic when its endpoint is joined; another host's, while its peer entry is there:
        // every service's backends in one read, and their states from the endpoints above and one read per network
        Map<String, List<ServiceBackend>> backendsOf = services.store().backendsByService();
        Predicate<ServiceBackend> takesTraffic = services.joinedAll(backendsOf.values().stream().flatMap(List::stream).toList(), joined);
        List<ServiceRules> serviceRules = new ArrayList<>();
        for (io.netmgr.core.service.Service s : services.store().services()) {
            serviceRules.add(ServiceRulesOf.of(s, backendsOf.getOrDefault(s.id(), List.of()), takesTraffic, services.thisHost()));
        }
        return new FirewallState(rules, ports, serviceRules);
    }

    /**
     * Puts network {@code networkId}'s rules in unless the firewall holds them: a global network
     * another host made, which this host's watch may not have brought yet ({@link ClusterFirewall})
     * when a container or a service here uses it at once.
     */
    void ensureNetwork(String networkId) {
        if (started && firewall.isPresent() && firewall.get().current().network(networkId).isEmpty()) {
            state.network(networkId).ifPresent(this::addNetwork);
        }
    }

    void addNetwork(Network network) {
        rulesOf(network).ifPresent(r -> firewall.ifPresent(f -> translate(() -> f.apply(f.current().withNetwork(r)))));
    }

    void removeNetwork(Network network) {
        firewall.ifPresent(f -> {
            if (f.current().network(network.id()).isPresent()) {
                translate(() -> f.apply(f.current().withoutNetwork(network.id())));
            }
        });
    }

    /** Refuses, before anything is made, ports that {@code network} could never publish. */
    void checkCanPublish(Network network, List<PortBinding> ports) {
        if (ports.isEmpty()) {
            return;
        }
        if (firewall.isEmpty()) {
            throw NetmgrException.invalid("cannot publish " + ports + ": this netmgr runs without a firewall; "
                    + "start it with a firewall backend (nftables or iptables)");
        }
        if (rulesOf(network).isEmpty()) {
            throw NetmgrException.invalid("cannot publish " + ports + " on network " + network.name() + ": its driver "
                    + network.driver() + " does not publish ports; use a bridge network");
        }
        if (network.internal()) {
            throw NetmgrException.invalid("cannot publish " + ports + " on network " + network.name()
                    + ": it is internal, so nothing outside it may reach its containers");
        }
    }

    /**
     * Refuses {@code endpoint}'s ports when another endpoint holds one, as {@link #publish} would,
     * but before a join has made anything: the next state is built, not applied.
     */
    void checkPortsFree(Endpoint endpoint) {
        ensureNetwork(endpoint.networkId());
        List<PortMapping> mappings = endpoint.portMappings();
        if (!mappings.isEmpty()) {
            translate(() -> firewall.orElseThrow().current().withPort(mappings.toArray(PortMapping[]::new)));
        }
    }

    /**
     * Publishes {@code endpoint}'s ports; refused, naming the owner, when a host port is taken.
     * A joined endpoint that backs services takes their traffic again.
     */
    void publish(Endpoint endpoint) {
        ensureNetwork(endpoint.networkId());
        List<PortMapping> mappings = endpoint.portMappings();
        if (!mappings.isEmpty()) {
            translate(() -> firewall.orElseThrow().publish(mappings.toArray(PortMapping[]::new)));
        }
        backServices(endpoint, true);
    }

    /** Withdraws {@code endpoint}'s ports, and its share of the services it backs: it takes no new flow once it leaves. */
    void unpublish(Endpoint endpoint) {
        if (!endpoint.ports().isEmpty()) {
            firewall.ifPresent(f -> translate(() -> f.unpublish(endpoint.owner())));
        }
        backServices(endpoint, false);
    }

    /** The rules of each service {@code endpoint} backs, with it ({@code joined}) or without it; only those services change. */
    private void backServices(Endpoint endpoint, boolean joined) {
        if (firewall.isEmpty()) {
            return;
        }
        ServiceStore store = services.store();
        for (String serviceId : store.servicesOf(endpoint.id())) {
            store.byId(serviceId).ifPresent(s -> {
                List<ServiceBackend> backends = store.backends(s);
                Predicate<ServiceBackend> others = services.joinedAll(backends);
                Predicate<ServiceBackend> isJoined = b -> b.endpointId().equals(endpoint.id()) ? joined : others.test(b);
                ServiceRules rules = ServiceRulesOf.of(s, backends, isJoined, services.thisHost());
                translate(() -> firewall.get().applyService(rules));
            });
        }
    }

    private Optional<NetworkRules> rulesOf(Network network) {
        Optional<NetworkRules> rules = drivers.has(network.driver()) ? drivers.get(network.driver()).firewallRules(network)
                : Optional.empty();
        return rules.map(r -> r.withMeshAddress(meshAddresses.get(network.id())));
    }

    /**
     * This host's mesh address on global network {@code network} ({@link ServiceMesh}), or none
     * (null): its rules are applied again, so services' traffic into the network takes it as source.
     */
    void meshAddress(Network network, io.netmgr.netlink.addr.IpAddress address) {
        if (address == null) {
            meshAddresses.remove(network.id());
        } else {
            meshAddresses.put(network.id(), address);
        }
        firewall.ifPresent(f -> rulesOf(network).ifPresent(r -> {
            if (f.current().network(network.id()).map(before -> !before.equals(r)).orElse(true)) {
                translate(() -> f.apply(f.current().withNetwork(r)));
            }
        }));
    }

    private static void translate(Runnable change) {
        FirewallRefusal.translate(change);
    }
}
