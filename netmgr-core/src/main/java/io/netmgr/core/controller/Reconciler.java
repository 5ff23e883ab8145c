package io.netmgr.core.controller;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.kernel.HostKernel;
import io.netmgr.core.kernel.SandboxNamespace;
import io.netmgr.core.kernel.SandboxNamespaces;
import io.netmgr.core.kernel.SandboxRoutes;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.addr.IpAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.netmgr.core.service.ServiceStore;
import java.util.stream.Collectors;

/**
 * Makes the kernel and IPAM agree with the store, as after a crash or a restart: what the
 * store says should exist is recreated, and what netmgr made that the store no longer knows
 * (a half-made endpoint's veth, a network's bridge, reserved addresses) is removed. The store
 * is the truth; the kernel is derived from it.
 *
 * <p>An endpoint stored but never joined (a CNI ADD killed between creating and joining it, whose
 * caller got "try again") keeps its addresses and its sandbox; only its half-made veth goes. Its
 * caller retries the ADD, which joins it, or sends DEL or GC, which remove it, as CNI requires of
 * runtimes; Cilium likewise restores endpoints and leaves their removal to DEL. libnetwork instead
 * deletes, at start, endpoints no active sandbox holds; netmgr cannot tell those from endpoints a
 * REST or Docker caller created and has not connected yet, which are legitimate and must survive
 * a restart.
 */
final class Reconciler {
    private final HostKernel kernel;
    private final HostContext host;
    private final SandboxNamespaces namespaces;
    private final StateStore state;
    private final IpamDriver ipam;
    private final DriverRegistry drivers;

    Reconciler(HostKernel kernel, SandboxNamespaces namespaces, StateStore state, IpamDriver ipam, DriverRegistry drivers) {
        this.kernel = kernel;
        this.host = kernel.context();
        this.namespaces = namespaces;
        this.state = state;
        this.ipam = ipam;
        this.drivers = drivers;
    }

    /** Returns one line per change made. */
    List<String> run() {
        List<String> done = new ArrayList<>();
        List<Network> networks = state.networks("");
        List<Endpoint> endpoints = forgetDeadSandboxes(done);
        for (Network n : networks) {
            if (drivers.has(n.driver())) {
                List<Endpoint> joined = endpoints.stream().filter(e -> e.networkId().equals(n.id()) && e.sandboxId() != null).toList();
                done.addAll(drivers.get(n.driver()).repair(host, n, joined));
            }
        }
        repairEndpoints(networks, endpoints, done);
        removeUnownedLinks(networks, endpoints, done);
        releaseUnownedAddresses(networks, endpoints, done);
        return done;
    }

    /**
     * Endpoints joined to a sandbox whose namespace is gone leave it; such sandboxes are forgotten.
     * Gone is also a path that is no longer a namespace: the empty file an unmounted /run/netns
     * entry leaves (a reboot, or a daemon that ran in a mount namespace of its own), which
     * would otherwise fail every join with EINVAL. netmgr's own such files are removed.
     */
    private List<Endpoint> forgetDeadSandboxes(List<String> done) {
        Set<String> dead = new HashSet<>();
        for (Sandbox s : state.list(StateStore.SANDBOXES, Sandbox.class)) {
            if (!namespaces.exists(s.path())) {
                dead.add(s.id());
                StateStore.forget(state.txn(), s).commit();
                if (s.owned() && Files.exists(s.path())) {
                    namespaces.remove(s.path()); // the empty file an unmounted entry of ours left
                }
                done.add("forgot sandbox " + s.name() + ": its namespace " + s.path() + " is gone");
            }
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (Endpoint e : state.endpoints()) {
            if (e.sandboxId() != null && dead.contains(e.sandboxId())) {
                Endpoint left = e.left();
                state.save(state.txn(), left).commit(); // on a global network, its peer entry goes too
                done.add("endpoint " + e.name() + " left its vanished sandbox");
                e = left;
            }
            endpoints.add(e);
        }
        return endpoints;
    }

    /**
     * Puts back what a join made for endpoints with routes or bandwidth of their own (a route or
     * qdisc deleted by hand); the others' sandboxes are not entered, so a start stays quick.
     */
    private void repairEndpoints(List<Network> networks, List<Endpoint> endpoints, List<String> done) {
        Map<String, Network> byId = networks.stream().collect(Collectors.toMap(Network::id, n -> n));
        for (Endpoint e : endpoints) {
            Network n = byId.get(e.networkId());
            if (e.sandboxId() == null || n == null || !drivers.has(n.driver()) || (e.routes().isEmpty() && e.bandwidth().isEmpty())) {
                continue;
            }
            var sandbox = state.get(StateStore.SANDBOXES, e.sandboxId(), Sandbox.class);
            if (sandbox.isEmpty()) {
                continue;
            }
            NetworkDriver driver = drivers.get(n.driver());
            try (SandboxNamespace ns = namespaces.open(sandbox.get().path())) {
                var restored = ns.restoreRoutes(e.interfaceName(), SandboxRoutes.of(n, e, List.of(), List.of()));
                if (restored.isEmpty()) {
                    continue; // nothing to route through; the endpoint's owner must join it again
                }
                restored.get().forEach(r -> done.add("restored route " + r + " of endpoint " + e.name()));
                done.addAll(driver.repairEndpoint(host, n, e, ns.handle()));
            } catch (RuntimeException ex) {
                done.add("could not repair endpoint " + e.name() + ": " + ex.getMessage());
            }
        }
    }

    private void removeUnownedLinks(List<Network> networks, List<Endpoint> endpoints, List<String> done) {
        Set<String> owners = new HashSet<>();
        networks.forEach(n -> owners.add(n.id()));
        // an endpoint owns a host link only while it is joined: a veth of an unjoined one is half-made
        endpoints.stream().filter(e -> e.sandboxId() != null).forEach(e -> owners.add(e.id()));
        for (NetworkDriver d : drivers.all()) {
            for (Map.Entry<String, String> link : d.madeLinks(host).entrySet()) {
                if (owners.stream().noneMatch(id -> id.startsWith(link.getValue()))) {
                    if (kernel.deleteLinkIfExists(link.getKey())) {
                        done.add("removed link " + link.getKey() + ": made by netmgr, owned by nothing the store knows");
                    }
                }
            }
        }
    }

    private void releaseUnownedAddresses(List<Network> networks, List<Endpoint> endpoints, List<String> done) {
        Set<String> endpointIds = endpoints.stream().map(Endpoint::id).collect(Collectors.toSet());
        // a service's virtual IPs are held in its id's name
        state.store().range(ServiceStore.SERVICES).forEach(kv -> endpointIds.add(kv.key().substring(ServiceStore.SERVICES.length())));
        Set<String> poolsInUse = networks.stream().flatMap(n -> n.pools().stream()).map(NetworkPool::poolId)
                .collect(Collectors.toSet());
        for (Pool pool : ipam.pools()) {
            for (Map.Entry<IpAddress, String> held : ipam.endpointAddresses(pool.id()).entrySet()) {
                if (!endpointIds.contains(held.getValue())) {
                    ipam.releaseAddress(pool.id(), held.getKey(), held.getValue());
                    done.add("released " + held.getKey() + " of " + pool.subnet() + ": its endpoint was never stored");
                }
            }
            if (!poolsInUse.contains(pool.id())) {
                ipam.releasePool(pool.id());
                done.add("released pool " + pool.subnet() + ": no stored network uses it");
            }
        }
    }
}
