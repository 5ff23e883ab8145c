package io.netmgr.core.controller;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.service.EndpointMode;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceScope;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * This host in the routing mesh of global services (Docker's ingress-sbox and per-network load
 * balancer endpoint): on each global network a global service balances on (a VIP, or a port
 * published in ingress mode) the host joins the network's data plane even without a container
 * there, and holds a mesh address of its own, granted by the network's (cluster) IPAM under the
 * host's lease. Service traffic this host balances into the network leaves with that address as
 * source ({@code mesh-snat4}), not the gateway, which every host's bridge shares: so a backend on
 * another host replies to this one, where the flow's NAT is undone. Other hosts reach the address
 * through a peer entry ({@code /netmgr/global/peers/NET/mesh-HOST}), programmed like an
 * endpoint's. Layout:
 * <pre>
 * /netmgr/global/mesh/NETID/HOST      MeshAddress   (under the host's lease, with the peer entry)
 * </pre>
 * When the host dies, its lease takes the address, the record and the peer entry; a restart
 * within the TTL finds its record and keeps its address.
 */
final class ServiceMesh {
    private static final System.Logger LOG = System.getLogger(ServiceMesh.class.getName());
    static final String MESH = ScopedStore.GLOBAL + "mesh/";

    /** A host's mesh address on a network and the MAC its bridge answers with. */
    record MeshAddress(String networkId, String host,
            @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = com.fasterxml.jackson.databind.ser.std.ToStringSerializer.class)
            @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = io.netmgr.core.AddressJson.IpNetText.class)
            IpNet address, String mac) {
    }

    private final StateStore state;
    private final NetworkScopes scopes;
    private final DriverRegistry drivers;
    private final HostContext host;
    private final HostFirewall firewall;
    private final ServiceScope services;
    private final ClusterMember member;
    private final Map<String, MeshAddress> joined = new HashMap<>(); // network id -> this host's, as programmed

    ServiceMesh(StateStore state, NetworkScopes scopes, DriverRegistry drivers, HostContext host, HostFirewall firewall,
                ServiceScope services, ClusterMember member) {
        this.state = state;
        this.scopes = scopes;
        this.drivers = drivers;
        this.host = host;
        this.firewall = firewall;
        this.services = services;
        this.member = member;
    }

    /** The global networks a service balances on: those of services with a VIP or a port published in ingress mode. */
    Set<String> wanted() {
        Set<String> networks = new LinkedHashSet<>();
        for (Service s : services.store().globalServices()) {
            if (s.endpointMode() == EndpointMode.VIP || s.ports().stream().anyMatch(p -> p.mode() == PublishMode.INGRESS)) {
                networks.addAll(s.networkIds());
            }
        }
        return networks;
    }

    /** Joins the networks {@link #wanted} and leaves the others; call holding the controller's lock. */
    void reconcile() {
        Set<String> wanted = wanted();
        for (String networkId : wanted) {
            try {
                state.network(networkId).ifPresent(this::join);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "joining network " + networkId + " for the service mesh failed: "
                        + e.getMessage(), e);
            }
        }
        for (String networkId : List.copyOf(joined.keySet())) {
            if (!wanted.contains(networkId)) {
                leave(networkId);
            }
        }
    }

    /**
     * Holds this host's mesh addresses in the kernel again (their data planes made first if need
     * be): after a network's bridge was deleted, whose addresses went with it. Only the healer
     * calls it, when the kernel reported a bridge gone. Call holding the controller's lock.
     */
    void rejoin() {
        for (MeshAddress mine : List.copyOf(joined.values())) {
            try {
                state.network(mine.networkId()).ifPresent(n -> {
                    if (!drivers.get(n.driver()).meshJoin(host, n, mine.address()).equals(mine.mac())) {
                        joined.remove(n.id()); // answered at another MAC: its record and peer entry are written again below
                    }
                });
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "holding this host's mesh address on network " + mine.networkId()
                        + " again failed: " + e.getMessage(), e);
            }
        }
        reconcile();
    }

    private String key(String networkId) {
        return MESH + networkId + "/" + member.hostId();
    }

    private String peerKey(String networkId) {
        return PeerTable.PEERS + networkId + "/mesh-" + member.hostId();
    }

    /** The IPAM owner of this host's mesh addresses. */
    private String owner() {
        return "mesh-" + member.hostId();
    }

    private void join(Network network) {
        Optional<MeshAddress> stored = state.store().get(key(network.id())).map(kv -> StateStore.decode(kv, MeshAddress.class));
        MeshAddress mine = joined.get(network.id());
        if (mine != null && stored.isPresent() && stored.get().equals(mine)) {
            return; // programmed, and still held
        }
        Optional<Lease> lease = state.leaseFor(network.id());
        NetworkPool pool = network.pools().stream().filter(p -> p.family() == IpFamily.V4).findFirst().orElse(null);
        if (pool == null) {
            return; // services balance IPv4 only
        }
        IpamDriver ipam = scopes.ipamOf(network);
        // the record says which address is ours (a restart within the TTL); else a new one, held under the lease
        AssignedAddress granted = ipam.requestAddress(pool.poolId(), stored
                .map(m -> AddressRequest.preferred(owner(), m.address().address())).orElseGet(() -> AddressRequest.any(owner()))
                .heldUnder(lease));
        IpNet address = granted.interfaceAddress();
        try {
            String mac = drivers.get(network.driver()).meshJoin(host, network, address);
            MeshAddress record = new MeshAddress(network.id(), member.hostId(), address, mac);
            byte[] peer = StateStore.encode(new Peer(network.id(), "mesh-" + member.hostId(), member.advertiseAddress(),
                    List.of(address), mac));
            state.txn().put(key(network.id()), StateStore.encode(record), lease).put(peerKey(network.id()), peer, lease).commit();
            joined.put(network.id(), record);
            firewall.meshAddress(network, address.address());
            LOG.log(System.Logger.Level.INFO, "joined network " + network.name() + " for the service mesh with address " + address);
        } catch (RuntimeException e) {
            if (stored.isEmpty()) {
                ipam.releaseAddress(pool.poolId(), address.address(), owner());
            }
            throw e;
        }
    }

    private void leave(String networkId) {
        MeshAddress mine = joined.remove(networkId);
        Optional<Network> network = state.network(networkId);
        state.txn().delete(key(networkId)).delete(peerKey(networkId)).commit();
        network.ifPresent(n -> {
            firewall.meshAddress(n, null);
            drivers.get(n.driver()).meshLeave(host, n);
            n.pools().stream().filter(p -> p.subnet().contains(mine.address().address())).findFirst()
                    .ifPresent(p -> scopes.ipamOf(n).releaseAddress(p.poolId(), mine.address().address(), owner()));
        });
        LOG.log(System.Logger.Level.INFO, "left network " + networkId + " of the service mesh");
    }
}
