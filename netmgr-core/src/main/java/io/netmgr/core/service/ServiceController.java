package io.netmgr.core.service;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.CrashPoint;
import io.netmgr.core.controller.GrantNote;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.Undo;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallRefusal;
import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.Txn;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Swarm-style services on one host, beside {@link NetworkController}: create (a virtual IP per
 * network from its IPAM), attach and detach backends (sandboxes already on one of the service's
 * networks), publish and unpublish ports, remove. Each call validates everything first, then
 * grants addresses, programs the firewall and commits one store transaction, holding the
 * controller's lock; a failing step undoes the ones before it, so a refused call changes nothing.
 * Backend changes touch only that service's rules ({@link Firewall#applyService}).
 */
public final class ServiceController {
    private final NetworkController networks;
    private final ServiceScope scope;
    private final BackendClaims claims;
    private final ServiceStore store;

    /** Services of one host alone, on {@code store}, their virtual IPs from {@code ipam}. */
    public ServiceController(NetworkController networks, ServiceStore store, IpamDriver ipam) {
        this(networks, ServiceScope.local(store, ipam, id -> endpointOf(networks, id), networks::endpoints));
    }

    /** Services on the host {@code scope} describes (see {@link NetworkController#services()}). */
    public ServiceController(NetworkController networks, ServiceScope scope) {
        this.networks = networks;
        this.scope = scope;
        this.claims = new BackendClaims(scope);
        this.store = scope.store();
    }

    // ---- reading

    public List<Service> services() {
        return store.services().stream().sorted(java.util.Comparator.comparing(Service::name)).toList();
    }

    /** A service by name, full id or unique id prefix. */
    public Service service(String ref) {
        Optional<Service> byName = store.byName(ref);
        if (byName.isPresent()) {
            return byName.get();
        }
        if (Ids.looksLikeIdPrefix(ref)) {
            List<Service> matches = store.byIdPrefix(ref);
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw NetmgrException.invalid("service id prefix " + ref + " is ambiguous: it matches " + matches.size()
                        + " services; give more characters");
            }
        }
        throw NetmgrException.notFound("service " + ref + " not found");
    }

    /** Whether service {@code s} lives in the cluster store (its networks are global), so every host sees it. */
    public boolean isGlobal(Service s) {
        return store.isGlobal(s);
    }

    /** The key of service {@code s}'s record, for a transaction (in the same store) that must find it still there. */
    public String keyOf(Service s) {
        return store.keyOf(s);
    }

    /** The backends of service {@code ref}, as stored. */
    public List<ServiceBackend> backends(String ref) {
        return store.backends(service(ref));
    }

    /**
     * The state of each of {@code backends} as {@code service ps} shows it: running (joined), left
     * (its sandbox left the network) or removed; read at once for all (one read per network).
     */
    public Function<ServiceBackend, String> states(List<ServiceBackend> backends) {
        return scope.states(backends);
    }

    // ---- changing

    /** Creates a service: validates the whole spec, grants its virtual IPs, programs its rules, stores it. */
    public Service create(ServiceSpec spec) {
        NetworkController.validateName("service", spec.name());
        checkPorts(spec.name(), spec.endpointMode(), spec.ports());
        if (spec.networks().isEmpty()) {
            throw NetmgrException.invalid("service " + spec.name() + " has no network; give at least one --network");
        }
        return locked(() -> {
            if (store.byName(spec.name()).isPresent()) {
                throw NetmgrException.conflict("service with name " + spec.name() + " already exists");
            }
            Map<Network, Optional<IpAddress>> attached = networksOf(spec);
            String id = Ids.newId();
            Service draft = new Service(id, spec.name(), spec.endpointMode(), attached.keySet().stream().map(Network::id).toList(),
                    List.of(), spec.ports(), spec.labels(), Instant.now().toString());
            checkFirewall(draft, attached.keySet());
            Undo undo = new Undo();
            try {
                List<ServiceVip> vips = new ArrayList<>();
                // VIPs from the cluster's IPAM: noted first, so a process killed before the commit gives them back at start
                GrantNote note = spec.endpointMode() == EndpointMode.VIP && attached.keySet().stream()
                        .anyMatch(n -> Network.GLOBAL.equals(n.scope())) ? scope.noteVipGrants().apply(id) : GrantNote.NONE;
                undo.push(note::forget);
                if (spec.endpointMode() == EndpointMode.VIP) {
                    for (Map.Entry<Network, Optional<IpAddress>> a : attached.entrySet()) {
                        vips.add(grantVip(id, a.getKey(), a.getValue(), undo));
                    }
                }
                Service service = new Service(id, draft.name(), draft.endpointMode(), draft.networkIds(), vips, draft.ports(),
                        draft.labels(), draft.created());
                program(service, List.of(), undo);
                CrashPoint.reach(CrashPoint.SERVICE_CREATE_BEFORE_COMMIT);
                commit(note.within(store.create(store.store().txn(), service)), "service with name " + spec.name() + " already exists");
                return service;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        });
    }

    /** Removes a service: its rules, its backends' records, then its virtual IPs go back to IPAM. */
    public void remove(String ref) {
        locked(() -> {
            Service service = service(ref);
            List<ServiceBackend> backends = store.backends(service);
            Undo undo = new Undo();
            try {
                firewall().ifPresent(f -> {
                    if (f.current().service(service.id()).isPresent()) {
                        ServiceRules before = f.current().service(service.id()).get();
                        translate(() -> f.removeService(service.id()));
                        undo.push(() -> f.applyService(before));
                    }
                });
                commit(store.forget(store.store().txn().ifPresent(store.keyOf(service)), service, backends),
                        "service " + service.name() + " was removed meanwhile");
                undo.push(() -> {
                    Txn restore = store.create(store.store().txn(), service);
                    backends.forEach(b -> store.addBackend(restore, service, b, scope.isLocal(b) ? leaseOf(b) : Optional.empty()));
                    restore.commit();
                });
                for (ServiceVip v : service.vips()) {
                    releaseVip(service.id(), v, undo);
                }
                claims.released(service, backends);
                return null;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        });
    }

    /**
     * Makes sandbox {@code sandboxRef} a backend of service {@code ref}: each of its endpoints on
     * the service's networks becomes one. The sandbox must already be on one of them (as a task
     * of a swarm service is): attach changes rules, never a container's interfaces.
     */
    public List<ServiceBackend> attach(String ref, String sandboxRef) {
        return locked(() -> {
            Service service = service(ref);
            Sandbox sandbox = networks.sandbox(sandboxRef);
            List<ServiceBackend> existing = store.backends(service);
            List<ServiceBackend> added = new ArrayList<>();
            // this host's endpoints in one read (per network, each of a global one is a cluster store round trip)
            for (Endpoint e : networks.endpoints()) {
                if (service.networkIds().contains(e.networkId()) && sandbox.id().equals(e.sandboxId())
                        && existing.stream().noneMatch(b -> b.endpointId().equals(e.id()))) {
                    added.add(backendOf(service, sandbox, e));
                }
            }
            if (added.isEmpty()) {
                if (existing.stream().anyMatch(b -> b.sandboxId().equals(sandbox.id()))) {
                    throw NetmgrException.conflict("sandbox " + sandbox.name() + " is already a backend of service " + service.name());
                }
                throw NetmgrException.invalid("sandbox " + sandbox.name() + " is on none of service " + service.name()
                        + "'s networks " + networkNames(service) + "; connect it to one first (netmgr network connect NETWORK "
                        + sandbox.name() + ")");
            }
            List<ServiceBackend> next = new ArrayList<>(existing);
            next.addAll(added);
            Undo undo = new Undo();
            try {
                program(service, next, undo);
                Txn txn = store.store().txn().ifPresent(store.keyOf(service));
                // a global service's backends live under this host's lease: they go when it dies
                added.forEach(b -> store.addBackend(txn, service, b, leaseOf(b)));
                commit(txn, "service " + service.name() + " was removed while attaching; try again");
                claims.held(service, added); // claimed again if this host's lease is ever lost
                return added;
            } catch (RuntimeException e) {
                throw undo.rollback(e);
            }
        });
    }

    /** Takes sandbox {@code sandboxRef} out of service {@code ref}'s backends: no new flow reaches it, its flows are dropped. */
    public List<ServiceBackend> detach(String ref, String sandboxRef) {
        return locked(() -> {
            Service service = service(ref);
            List<ServiceBackend> existing = store.backends(service);
            // by name or id, or the sandbox id of a backend whose sandbox is already gone
            Optional<String> sandboxId = networks.sandboxes().stream().filter(s -> s.name().equals(sandboxRef) || s.id().equals(sandboxRef))
                    .map(Sandbox::id).findFirst();
            String wanted = sandboxId.orElse(sandboxRef);
            List<ServiceBackend> gone = existing.stream().filter(b -> b.sandboxId().equals(wanted)
                    || (b.sandboxName() != null && b.sandboxName().equals(sandboxRef))).toList();
            if (gone.isEmpty()) {
                throw NetmgrException.notFound("sandbox " + sandboxRef + " is not a backend of service " + service.name()
                        + "; see netmgr service ps " + service.name());
            }
            return dropBackends(service, existing, gone);
        });
    }

    /**
     * Forgets endpoint {@code endpointId} in every service it backs, before its removal (a
     * container going, a CNI DEL). Returns the backends dropped.
     */
    public List<ServiceBackend> forgetEndpoint(String endpointId) {
        return locked(() -> {
            List<ServiceBackend> dropped = new ArrayList<>();
            for (String serviceId : store.servicesOf(endpointId)) {
                Optional<Service> service = store.byId(serviceId);
                if (service.isPresent()) {
                    List<ServiceBackend> existing = store.backends(service.get());
                    dropped.addAll(dropBackends(service.get(), existing,
                            existing.stream().filter(b -> b.endpointId().equals(endpointId)).toList()));
                }
            }
            return dropped;
        });
    }

    /** Publishes {@code port} on running service {@code ref}; its backends stay as they are. */
    public Service publish(String ref, ServicePort port) {
        return locked(() -> {
            Service service = service(ref);
            List<ServicePort> next = new ArrayList<>(service.ports());
            next.add(port);
            checkPorts(service.name(), service.endpointMode(), next);
            return changePorts(service, next);
        });
    }

    /** Stops publishing {@code key} (port and protocol) on service {@code ref}. */
    public Service unpublish(String ref, ServicePort.Key key) {
        return locked(() -> {
            Service service = service(ref);
            List<ServicePort> next = service.ports().stream().filter(p -> !p.key().equals(key)).toList();
            if (next.size() == service.ports().size()) {
                throw NetmgrException.notFound("service " + service.name() + " does not publish port " + key
                        + "; it publishes " + service.ports().stream().map(p -> p.key().toString()).toList());
            }
            return changePorts(service, next);
        });
    }

    // ---- steps

    private Service changePorts(Service service, List<ServicePort> ports) {
        Service next = service.withPorts(ports);
        checkFirewall(next, service.networkIds().stream().map(networks::network).toList());
        Undo undo = new Undo();
        try {
            program(next, store.backends(service), undo);
            commit(store.update(store.store().txn(), next), "service " + service.name() + " was removed meanwhile; try again");
            return next;
        } catch (RuntimeException e) {
            throw undo.rollback(e);
        }
    }

    private List<ServiceBackend> dropBackends(Service service, List<ServiceBackend> existing, List<ServiceBackend> gone) {
        List<ServiceBackend> next = existing.stream().filter(b -> !gone.contains(b)).toList();
        Undo undo = new Undo();
        try {
            program(service, next, undo);
            Txn txn = store.store().txn();
            gone.forEach(b -> store.removeBackend(txn, service, b));
            commit(txn, "service " + service.name() + " changed while detaching; try again");
            claims.released(service, gone);
            return gone;
        } catch (RuntimeException e) {
            throw undo.rollback(e);
        }
    }

    /** The rules of {@code service} with {@code backends} into the firewall, pushing how to put the previous ones back. */
    private void program(Service service, List<ServiceBackend> backends, Undo undo) {
        Optional<Firewall> firewall = firewall();
        if (firewall.isEmpty()) {
            return; // checkFirewall refused what needs one
        }
        Firewall f = firewall.get();
        ServiceRules rules = ServiceRulesOf.of(service, backends, scope.joinedAll(backends), scope.thisHost());
        Optional<ServiceRules> before = f.current().service(service.id());
        translate(() -> f.applyService(rules));
        undo.push(() -> before.ifPresentOrElse(f::applyService, () -> f.removeService(service.id())));
    }

    /** The endpoint with id {@code id} of this host, if it is still stored. */
    private static Optional<Endpoint> endpointOf(NetworkController networks, String id) {
        try {
            return Optional.of(networks.endpoint(id));
        } catch (NetmgrException e) {
            return Optional.empty(); // removed
        }
    }

    /** The lease backend {@code b}'s keys live under: this host's on a global network, none on a local one. */
    private Optional<io.netmgr.core.store.Lease> leaseOf(ServiceBackend b) {
        return scope.leaseFor().apply(b.networkId());
    }

    private ServiceVip grantVip(String serviceId, Network network, Optional<IpAddress> wanted, Undo undo) {
        NetworkPool pool = network.pools().stream().filter(p -> p.family() == IpFamily.V4)
                .filter(p -> wanted.isEmpty() || p.subnet().contains(wanted.get())).findFirst()
                .orElseThrow(() -> new IllegalStateException("checked before: network " + network.name() + " has an IPv4 pool"));
        IpamDriver ipam = scope.ipamOf().apply(network);
        AssignedAddress a = ipam.requestAddress(pool.poolId(), wanted.map(ip -> AddressRequest.preferred(serviceId, ip))
                .orElseGet(() -> AddressRequest.any(serviceId)));
        undo.push(() -> ipam.releaseAddress(pool.poolId(), a.address(), serviceId));
        return new ServiceVip(network.id(), a.interfaceAddress());
    }

    /** Gives {@code vip} back to its network's IPAM once the store has forgotten the service, pushing how to take it again. */
    private void releaseVip(String serviceId, ServiceVip vip, Undo undo) {
        IpAddress ip = vip.address().address();
        // the service holds its networks, so each is still there
        Network network = networks.network(vip.networkId());
        IpamDriver ipam = scope.ipamOf().apply(network);
        network.pools().stream().filter(p -> p.subnet().contains(ip)).findFirst().ifPresent(p -> {
            ipam.releaseAddress(p.poolId(), ip, serviceId);
            undo.push(() -> ipam.requestAddress(p.poolId(), AddressRequest.preferred(serviceId, ip)));
        });
    }

    private ServiceBackend backendOf(Service service, Sandbox sandbox, Endpoint e) {
        var address = e.addresses().stream().filter(a -> a.address().family() == IpFamily.V4).findFirst()
                .orElseThrow(() -> NetmgrException.invalid("sandbox " + sandbox.name() + " has no IPv4 address on network "
                        + e.networkId() + "; services balance IPv4 only"));
        return new ServiceBackend(service.id(), e.id(), sandbox.id(), sandbox.name(), e.networkId(), address, scope.thisHost());
    }

    // ---- validation, before anything changes

    /** The spec's networks, resolved, each with the virtual IP asked for; refuses unknown ones and VIPs outside their subnets. */
    private Map<Network, Optional<IpAddress>> networksOf(ServiceSpec spec) {
        Map<Network, Optional<IpAddress>> out = new LinkedHashMap<>();
        for (ServiceSpec.Attachment a : spec.networks()) {
            Network n = networks.network(a.network());
            if (out.containsKey(n)) {
                throw NetmgrException.invalid("service " + spec.name() + " is given network " + a.network() + " twice");
            }
            List<NetworkPool> v4 = n.pools().stream().filter(p -> p.family() == IpFamily.V4).toList();
            if (v4.isEmpty()) {
                throw NetmgrException.invalid("network " + n.name() + " (driver " + n.driver() + ") has no IPv4 subnet for a"
                        + " service's virtual IP; use a bridge network");
            }
            Optional<IpAddress> vip = a.vip().map(text -> IpAddress.parse(text, "virtual IP"));
            if (vip.isPresent() && spec.endpointMode() == EndpointMode.DNSRR) {
                throw NetmgrException.invalid("service " + spec.name() + " asks for virtual IP " + vip.get()
                        + " in dnsrr mode, which has none; drop the address or use --endpoint-mode vip");
            }
            if (vip.isPresent() && v4.stream().noneMatch(p -> p.subnet().contains(vip.get()))) {
                throw NetmgrException.invalid("virtual IP " + vip.get() + " is outside network " + n.name() + "'s subnets "
                        + v4.stream().map(p -> p.subnet().toString()).toList() + "; give an address inside, or none for any free one");
            }
            out.put(n, vip);
        }
        checkOneScope(spec.name(), out.keySet());
        return out;
    }

    /**
     * Refuses a service on local and global networks at once: it would live in two stores (its
     * record in one, backends' hosts seeing it or not), which no transaction spans.
     */
    private void checkOneScope(String name, java.util.Collection<Network> on) {
        List<String> global = on.stream().filter(n -> store.isGlobalNetwork(n.id())).map(Network::name).toList();
        List<String> local = on.stream().filter(n -> !store.isGlobalNetwork(n.id())).map(Network::name).toList();
        if (!global.isEmpty() && !local.isEmpty()) {
            throw NetmgrException.invalid("service " + name + " mixes global networks " + global + " (every host's) with"
                    + " local networks " + local + " (this host's alone); put it on networks of one scope: overlay networks"
                    + " for a service across hosts, bridge networks for one on this host");
        }
    }

    /** Swarm's refusals of a set of published ports: dnsrr with ingress ports, one port twice. */
    private static void checkPorts(String name, EndpointMode mode, List<ServicePort> ports) {
        if (mode == EndpointMode.DNSRR && ports.stream().anyMatch(p -> p.mode() == PublishMode.INGRESS)) {
            throw NetmgrException.invalid("port published with ingress mode can't be used with dnsrr mode (service " + name
                    + "); publish with mode=host or use --endpoint-mode vip");
        }
        java.util.Set<ServicePort.Key> seen = new java.util.HashSet<>();
        for (ServicePort p : ports) {
            if (!seen.add(p.key())) {
                throw NetmgrException.conflict("service " + name + " already publishes port " + p.key()
                        + "; unpublish it first or choose another published port");
            }
        }
    }

    /**
     * Refuses, before anything is granted, a service the firewall cannot carry: no firewall,
     * a network whose driver has no firewall rules, a host port another service or container holds.
     */
    private void checkFirewall(Service service, java.util.Collection<Network> on) {
        Optional<Firewall> firewall = firewall();
        if (firewall.isEmpty()) {
            if (service.endpointMode() == EndpointMode.VIP || !service.ports().isEmpty()) {
                throw NetmgrException.invalid("service " + service.name() + " needs the firewall (virtual IP or published ports),"
                        + " and this netmgr runs without one; start it with a firewall backend (nftables or iptables)");
            }
            return;
        }
        for (Network n : on) {
            networks.ensureInFirewall(n); // a global network made on another host a moment ago
            if (firewall.get().current().network(n.id()).isEmpty()) {
                throw NetmgrException.invalid("network " + n.name() + " uses driver " + n.driver() + ", which netmgr's firewall"
                        + " does not route; put services on bridge networks");
            }
            if (n.internal() && !service.ports().isEmpty()) {
                throw NetmgrException.invalid("service " + service.name() + " cannot publish ports on network " + n.name()
                        + ": it is internal, so nothing outside it may reach its containers");
            }
        }
        // a trial state (with a placeholder VIP in each network) refuses taken host ports, naming their owner
        ServiceRules trial = new ServiceRules(service.id(), service.name(), List.of(), service.ports(), List.of());
        translate(() -> firewall.get().current().withService(trial));
    }

    // ---- plumbing

    private Optional<Firewall> firewall() {
        return networks.firewall();
    }

    private <T> T locked(Supplier<T> work) {
        return networks.exclusively(work);
    }

    private String networkNames(Service service) {
        return service.networkIds().stream().map(id -> {
            try {
                return networks.network(id).name();
            } catch (NetmgrException e) {
                return id;
            }
        }).toList().toString();
    }

    private static void commit(Txn txn, String conflict) {
        if (!txn.commit().succeeded()) {
            throw NetmgrException.conflict(conflict);
        }
    }

    private static void translate(Runnable change) {
        FirewallRefusal.translate(change);
    }
}
