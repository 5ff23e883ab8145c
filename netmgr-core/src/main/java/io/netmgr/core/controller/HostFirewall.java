package io.netmgr.core.controller;


import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.network.Network;
import java.util.ArrayList;
import java.util.HashMap;
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
    private long appliedRevision = -1;
    private boolean started;

    HostFirewall(Optional<Firewall> firewall, DriverRegistry drivers, StateStore state) {
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
        if (!started || firewall.isEmpty() || state.store().revision() == appliedRevision) {
            return;
        }
        translate(() -> firewall.get().takeOver(fromStore()));
        appliedRevision = state.store().revision();
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
            appliedRevision = state.store().revision();
        }
    }

    /** The rules the store asks for: every network's, and the ports of every joined endpoint. */
    FirewallState fromStore() {
        Map<String, Network> networks = new HashMap<>();
        List<NetworkRules> rules = new ArrayList<>();
        for (Network n : state.networks("")) {
            networks.put(n.id(), n);
            rulesOf(n).ifPresent(rules::add);
        }
        List<PortMapping> ports = new ArrayList<>();
        for (Endpoint e : state.endpoints()) {
            if (e.sandboxId() != null && networks.containsKey(e.networkId())) {
                ports.addAll(e.portMappings());
            }
        }
        return new FirewallState(rules, ports);
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
        List<PortMapping> mappings = endpoint.portMappings();
        if (!mappings.isEmpty()) {
            translate(() -> firewall.orElseThrow().current().withPort(mappings.toArray(PortMapping[]::new)));
        }
    }

    /** Publishes {@code endpoint}'s ports; refused, naming the owner, when a host port is taken. */
    void publish(Endpoint endpoint) {
        List<PortMapping> mappings = endpoint.portMappings();
        if (!mappings.isEmpty()) {
            translate(() -> firewall.orElseThrow().publish(mappings.toArray(PortMapping[]::new)));
        }
    }

    void unpublish(Endpoint endpoint) {
        if (!endpoint.ports().isEmpty()) {
            firewall.ifPresent(f -> translate(() -> f.unpublish(endpoint.owner())));
        }
    }

    private Optional<NetworkRules> rulesOf(Network network) {
        return drivers.has(network.driver()) ? drivers.get(network.driver()).firewallRules(network) : Optional.empty();
    }

    /** Firewall refusals become the controller's own, so front ends map one exception type. */
    private static void translate(Runnable change) {
        try {
            change.run();
        } catch (FirewallException e) {
            switch (e.reason()) {
                case PORT_ALREADY_PUBLISHED:
                    throw new NetmgrException(NetmgrException.Kind.CONFLICT, e.getMessage(), e);
                case BACKEND_FAILED:
                    throw e;
                default:
                    throw new NetmgrException(NetmgrException.Kind.INVALID, e.getMessage(), e);
            }
        }
    }
}
