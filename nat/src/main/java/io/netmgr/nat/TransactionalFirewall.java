package io.netmgr.nat;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.HostPortIndex;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.firewall.Verification;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What both backends share: validate first (including host addresses and host ports bound by
 * processes), switch on the sysctls the rules need, then change the rules in one backend
 * transaction, and only then remember the new state. Calls are serialized, so a
 * {@link RuleGuard} restoring rules never interleaves with an apply.
 *
 * <p>The current state is kept as indexes (ports by owner and by host port) rather than as a
 * {@link FirewallState}, which is built only when asked for: so {@link #publish} and
 * {@link #unpublish} validate and program the changed ports alone, at a cost that does not grow
 * with the ports already published.
 */
public abstract class TransactionalFirewall implements Firewall {
    protected final NetNs ns;
    private final Supplier<Set<IpAddress>> hostAddresses;
    private final KernelSettings kernel;

    private List<NetworkRules> networks = List.of();
    private Map<String, NetworkRules> networksById = Map.of();
    private LinkedHashSet<PortMapping> ports = new LinkedHashSet<>();
    private Map<String, List<PortMapping>> portsByOwner = new HashMap<>();
    private HostPortIndex claimed = new HostPortIndex();
    private Map<String, ServiceRules> services = new java.util.LinkedHashMap<>();
    private FirewallState snapshot = FirewallState.EMPTY; // null once ports changed since it was built

    protected TransactionalFirewall(NetNs ns, Supplier<Set<IpAddress>> hostAddresses) {
        this.ns = Objects.requireNonNull(ns, "ns");
        this.hostAddresses = Objects.requireNonNull(hostAddresses, "hostAddresses");
        this.kernel = new KernelSettings(ns);
    }

    /** Changes the kernel from {@code from} (what it has) to {@code to}, in one transaction. */
    protected abstract void program(FirewallState from, FirewallState to);

    /** Replaces whatever is left of netmgr's rules with those of {@code state} (none when empty). */
    protected abstract void programFull(FirewallState state);

    /**
     * Adds and removes port mappings, the networks staying as they are, in one transaction. By
     * default the change of the whole state; a backend that can do better overrides it.
     */
    protected void programPorts(List<PortMapping> added, List<PortMapping> removed, Supplier<FirewallState> before,
            Supplier<FirewallState> after) {
        program(before.get(), after.get());
    }

    /**
     * Replaces service {@code before} with {@code after} (either null for none), everything else
     * staying, in one transaction. By default the change of the whole state; a backend that can
     * touch that service's rules alone overrides it.
     */
    protected void programService(ServiceRules before, ServiceRules after, Supplier<FirewallState> from,
            Supplier<FirewallState> to) {
        program(from.get(), to.get());
    }

    /** What of {@code expected} (built only if the backend needs it) is missing or changed in the kernel. */
    protected abstract Verification inspect(Supplier<FirewallState> expected);

    /** What of the rules publishing {@code ports} is missing or different in the kernel, port by port. */
    protected abstract Verification inspectPorts(List<PublishedPort> ports);

    @Override
    public final synchronized void apply(FirewallState desired) {
        Objects.requireNonNull(desired, "desired");
        FirewallState.checkHostAddresses(desired.ports(), hostAddresses(desired.ports()));
        List<PortMapping> added = desired.ports().stream().filter(p -> !ports.contains(p)).toList();
        // only mappings new to this apply: a process that bound a port after we published it is
        // shadowed by our DNAT, and must not make unrelated changes fail
        HostSockets.checkFree(ns, added);
        FirewallState from = current();
        guard(() -> {
            kernel.forget();
            kernel.prepare(desired);
            VipAddresses.sync(ns, desired);
            program(from, desired);
        });
        remember(desired);
        StaleFlows.forgetUdp(ns, added);
    }

    @Override
    public final synchronized void publish(PortMapping... mappings) {
        List<PortMapping> added = List.of(mappings);
        HostPortIndex trial = new HostPortIndex();
        for (PortMapping p : added) {
            FirewallState.checkNetwork(p, networksById.get(p.networkId()));
            claimed.check(p);
            trial.claim(p); // the new mappings against each other
        }
        FirewallState.checkHostAddresses(added, hostAddresses(added));
        HostSockets.checkFree(ns, added);
        FirewallState before = snapshot;
        guard(() -> {
            kernel.prepare(networks, added);
            programPorts(added, List.of(), () -> before != null ? before : current(), () -> stateWith(added, List.of()));
        });
        for (PortMapping p : added) {
            claimed.claim(p);
            ports.add(p);
            portsByOwner.computeIfAbsent(p.owner(), o -> new ArrayList<>()).add(p);
        }
        snapshot = null;
        StaleFlows.forgetUdp(ns, added);
    }

    @Override
    public final synchronized void unpublish(String owner) {
        List<PortMapping> removed = portsByOwner.getOrDefault(owner, List.of());
        if (removed.isEmpty()) {
            return;
        }
        FirewallState before = snapshot;
        guard(() -> programPorts(List.of(), removed, () -> before != null ? before : current(),
                () -> stateWith(List.of(), removed)));
        removed.forEach(claimed::release);
        removed.forEach(ports::remove);
        portsByOwner.remove(owner);
        snapshot = null;
    }

    /**
     * Adds or replaces one service, validated against the indexes (its networks, the host ports
     * others hold) and programmed alone, so the cost does not grow with the number of services.
     */
    @Override
    public final synchronized void applyService(ServiceRules rules) {
        Objects.requireNonNull(rules, "rules");
        ServiceRules before = services.get(rules.serviceId());
        if (rules.equals(before)) {
            return;
        }
        HostPortIndex trial = new HostPortIndex();
        for (ServiceRules.Vip v : rules.vips()) {
            FirewallState.checkNetwork(PortMapping.of(v.networkId(), rules.owner(), io.netmgr.core.firewall.Protocol.TCP,
                    io.netmgr.core.firewall.PortRange.of(1), v.address(), io.netmgr.core.firewall.PortRange.of(1)),
                    networksById.get(v.networkId()));
        }
        for (ServiceRules.Backend b : rules.backends()) {
            if (!networksById.containsKey(b.networkId())) {
                throw new FirewallException(FirewallException.Reason.UNKNOWN_NETWORK, rules.owner() + ": backend "
                        + b.address() + " is on network " + b.networkId() + ", which is not in the firewall state");
            }
        }
        List<PortMapping> oldClaims = before == null ? List.of() : before.hostPortClaims();
        oldClaims.forEach(claimed::release);
        try {
            for (PortMapping p : rules.hostPortClaims()) {
                claimed.check(p);
                trial.claim(p);
            }
        } finally {
            oldClaims.forEach(claimed::claim);
        }
        List<PortMapping> fresh = rules.hostPortClaims().stream().filter(p -> !oldClaims.contains(p)).toList();
        HostSockets.checkFree(ns, fresh);
        // the whole state only if the backend needs it (iptables): building it costs O(services)
        guard(() -> {
            kernel.prepare(networks, List.of(), List.of(rules));
            VipAddresses.change(ns, networksById, before, rules);
            try {
                programService(before, rules, this::current, () -> current().withService(rules));
            } catch (RuntimeException e) {
                VipAddresses.change(ns, networksById, rules, before); // the rules did not change: neither do the addresses
                throw e;
            }
        });
        oldClaims.forEach(claimed::release);
        rules.hostPortClaims().forEach(claimed::claim);
        services.put(rules.serviceId(), rules);
        snapshot = null;
        StaleFlows.forgetBackends(ns, before, rules);
    }

    @Override
    public final synchronized void removeService(String serviceId) {
        ServiceRules before = services.get(serviceId);
        if (before == null) {
            return;
        }
        guard(() -> {
            programService(before, null, this::current, () -> current().withoutService(serviceId));
            VipAddresses.change(ns, networksById, before, null);
        });
        before.hostPortClaims().forEach(claimed::release);
        services.remove(serviceId);
        snapshot = null;
        StaleFlows.forgetBackends(ns, before, null);
    }

    @Override
    public final synchronized FirewallState current() {
        if (snapshot == null) {
            snapshot = new FirewallState(networks, List.copyOf(ports), List.copyOf(services.values()));
        }
        return snapshot;
    }

    @Override
    public final synchronized void removeAll() {
        guard(() -> programFull(FirewallState.EMPTY));
        remember(FirewallState.EMPTY);
    }

    @Override
    public final synchronized Verification verify() {
        return inspect(this::current);
    }

    @Override
    public final synchronized Verification verifyPorts(List<PortMapping> mappings) {
        return mappings.isEmpty() ? Verification.INTACT : inspectPorts(PublishedPort.of(mappings));
    }

    @Override
    public final synchronized void restore() {
        replaceWith(current());
    }

    @Override
    public final synchronized void takeOver(FirewallState state) {
        Objects.requireNonNull(state, "state");
        FirewallState.checkHostAddresses(state.ports(), hostAddresses(state.ports()));
        replaceWith(state);
        remember(state);
    }

    private void replaceWith(FirewallState state) {
        guard(() -> {
            kernel.forget();
            kernel.prepare(state);
            VipAddresses.sync(ns, state);
            programFull(state);
        });
    }

    private Set<IpAddress> hostAddresses(List<PortMapping> mappings) {
        // asking the kernel costs a netlink round trip: only when some mapping names an address
        return mappings.stream().anyMatch(p -> p.hostIp().isPresent()) ? hostAddresses.get() : Set.of();
    }

    private FirewallState stateWith(List<PortMapping> added, List<PortMapping> removed) {
        Set<PortMapping> gone = Set.copyOf(removed);
        List<PortMapping> next = new ArrayList<>(ports.size() + added.size());
        ports.stream().filter(p -> !gone.contains(p)).forEach(next::add);
        next.addAll(added);
        return new FirewallState(networks, next, List.copyOf(services.values()));
    }

    private void remember(FirewallState state) {
        networks = state.networks();
        Map<String, NetworkRules> byId = new HashMap<>();
        networks.forEach(n -> byId.put(n.networkId(), n));
        networksById = byId;
        ports = new LinkedHashSet<>(state.ports());
        portsByOwner = new HashMap<>();
        claimed = new HostPortIndex();
        for (PortMapping p : state.ports()) {
            portsByOwner.computeIfAbsent(p.owner(), o -> new ArrayList<>()).add(p);
            claimed.claim(p);
        }
        services = new java.util.LinkedHashMap<>();
        for (ServiceRules s : state.services()) {
            services.put(s.serviceId(), s);
            s.hostPortClaims().forEach(claimed::claim);
        }
        snapshot = state;
    }

    private void guard(Runnable work) {
        try {
            work.run();
        } catch (FirewallException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FirewallException(FirewallException.Reason.BACKEND_FAILED, backend() + " in " + ns
                    + " refused the change, nothing was changed: " + e.getMessage(), e);
        }
    }
}
