package io.netmgr.overlay;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.Capability;
import io.netmgr.core.driver.ClusterClaim;
import io.netmgr.core.driver.ClusterClaims;
import io.netmgr.core.driver.CniMapping;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.driver.PeerListener;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Networks that span hosts (Docker's overlay driver, scope global): on each host that has an
 * endpoint on one, a bridge holding the network's gateway and a VXLAN device enslaved to it,
 * made with the host's first endpoint and removed with its last ({@link OverlayDataPlane}).
 * Endpoints are veth pairs on that bridge. What other hosts have joined arrives through the
 * cluster store's watch ({@link PeerListener}) and is programmed as static FDB and neighbour
 * entries ({@link PeerEntries}), so nothing is learned from traffic and nothing floods.
 *
 * <p>Options: {@link OverlayOptions}. The VNI is claimed cluster-wide in the network's
 * creating transaction; a free one is chosen when none is given ({@link VniAllocator}).
 *
 * <p>Egress and published ports: every host's bridge holds the same gateway address (an anycast
 * gateway), and the host firewall masquerades and publishes through it as for a bridge network,
 * so a container leaves through the host it runs on.
 */
public final class OverlayDriver implements NetworkDriver, PeerListener {
    /** The driver's name, as networks give it. */
    public static final String NAME = "overlay";

    /** Peers other hosts announced, by network id then endpoint id: what a data plane made later programs first. */
    private final Map<String, Map<String, Peer>> peers = new HashMap<>();
    private volatile Optional<String> advertiseAddress = Optional.empty();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capability capability() {
        return new Capability(Scope.GLOBAL, false, true, List.of());
    }

    /**
     * CNI's keys for the overlay's options: {@code vni}, {@code vxlanPort}, and {@code encrypted},
     * taken so that it is refused as on the other fronts instead of ignored as an unknown key (an
     * unencrypted network served to a configuration asking for encryption); mtu is the plugin's own key.
     */
    private static final CniMapping CNI = new CniMapping(Map.of("vni", OverlayOptions.VNI, "vxlanPort", OverlayOptions.PORT,
            "encrypted", OverlayOptions.ENCRYPTED), Map.of(),
            Map.of("vni", "", "vxlanPort", Integer.toString(OverlayOptions.DEFAULT_PORT), "encrypted", ""),
            java.util.Set.of("vni", "vxlanPort"));

    @Override
    public Optional<CniMapping> cniMapping() {
        return Optional.of(CNI);
    }

    @Override
    public void validate(Network network) {
        OverlayOptions.of(network);
    }

    @Override
    public Network withClusterDefaults(Network network, ClusterClaims claims) {
        OverlayOptions options = OverlayOptions.of(network);
        if (options.vni().isPresent()) {
            return network;
        }
        int vni = VniAllocator.choose(claims.taken(VniAllocator.KIND)).orElseThrow(() -> NetmgrException.conflict(
                "network " + network.name() + ": every VNI is taken; remove an overlay network first"));
        Map<String, String> withVni = new HashMap<>(network.options());
        withVni.put(OverlayOptions.VNI, Integer.toString(vni));
        return network.withOptions(withVni);
    }

    @Override
    public List<ClusterClaim> clusterClaims(Network network) {
        return OverlayOptions.of(network).vni().map(vni -> List.of(new ClusterClaim(VniAllocator.KIND, Integer.toString(vni),
                OverlayOptions.VNI + " " + vni))).orElse(List.of());
    }

    /** Nothing is made yet: a host makes its data plane with its first endpoint on the network. */
    @Override
    public void createNetwork(HostContext host, Network network) {
        OverlayOptions.of(network);
    }

    @Override
    public synchronized void deleteNetwork(HostContext host, Network network) {
        dataPlane(host, network).remove();
        peers.remove(network.id());
    }

    @Override
    public synchronized JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        OverlayDataPlane plane = dataPlane(host, network);
        boolean made = plane.ensure(knownPeers(network));
        try {
            plane.plug(endpoint, sandbox);
        } catch (RuntimeException e) {
            if (made) {
                plane.remove();
            }
            throw e;
        }
        return JoinInfo.created(endpoint.interfaceName(), OverlayDataPlane.hostSideName(endpoint)).withGateways(gateways(network));
    }

    @Override
    public synchronized void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        OverlayDataPlane plane = dataPlane(host, network);
        plane.unplug(endpoint);
        if (plane.exists() && plane.ports() == 0 && !plane.meshed()) {
            plane.remove(); // this host's last endpoint on the network: the host leaves it, as Docker's does (unless in the mesh)
        }
    }

    /**
     * Brings this host's data plane in line with its joined endpoints: made again with them as
     * ports, or, with none (a process killed between making it and storing the join), removed.
     */
    @Override
    public synchronized List<String> repair(HostContext host, Network network, List<Endpoint> joined) {
        OverlayDataPlane plane = dataPlane(host, network);
        if (!joined.isEmpty() || plane.meshed()) {
            return plane.repair(joined, knownPeers(network));
        }
        if (plane.exists() || PeerEntries.of(host.netlink(), OverlayDataPlane.vxlanName(network.id())).isPresent()) {
            plane.remove();
            return List.of("removed the overlay data plane of network " + network.name() + ": no endpoint of this host is on it");
        }
        return List.of();
    }

    /**
     * Joins the network's data plane for the service mesh: bridge and VXLAN made if need be, the
     * mesh address held on the bridge, which keeps the plane while this host has no endpoint on it.
     */
    @Override
    public synchronized String meshJoin(HostContext host, Network network, io.netmgr.netlink.addr.IpNet address) {
        return dataPlane(host, network).holdMeshAddress(address, knownPeers(network)).toString();
    }

    @Override
    public synchronized void meshLeave(HostContext host, Network network) {
        dataPlane(host, network).releaseMeshAddress();
    }

    @Override
    public Optional<String> networkLink(Network network) {
        return Optional.of(OverlayDataPlane.bridgeName(network));
    }

    @Override
    public Optional<NetworkRules> firewallRules(Network network) {
        List<io.netmgr.netlink.addr.IpPrefix> subnets = network.pools().stream().map(NetworkPool::subnet).toList();
        return Optional.of(new NetworkRules(network.id(), OverlayDataPlane.bridgeName(network), subnets, true,
                network.internal(), true, false));
    }

    @Override
    public Map<String, String> madeLinks(HostContext host) {
        return OverlayDataPlane.madeLinks(host.netlink());
    }

    @Override
    public List<String> missingKernelFeatures(NetlinkHandle scratch) {
        try {
            scratch.links().add(Vxlan.of("probevx", 1).withLearning(false).withProxy(true));
            return List.of();
        } catch (RuntimeException e) {
            return List.of("vxlan links (" + e.getMessage() + ")");
        }
    }

    // ---- peers

    @Override
    public void advertiseAddress(HostContext host, String address) {
        advertiseAddress = Optional.of(address);
    }

    @Override
    public void peerJoined(HostContext host, Peer peer) {
        peersChanged(host, List.of(), List.of(peer));
    }

    @Override
    public void peerLeft(HostContext host, Peer peer) {
        peersChanged(host, List.of(peer), List.of());
    }

    /** Programs all the changes of a network in one netlink batch: removals first, then additions. */
    @Override
    public synchronized void peersChanged(HostContext host, List<Peer> left, List<Peer> joined) {
        Map<String, List<Peer>> removals = new java.util.LinkedHashMap<>();
        Map<String, List<Peer>> additions = new java.util.LinkedHashMap<>();
        for (Peer peer : left) {
            Map<String, Peer> ofNetwork = peers.getOrDefault(peer.networkId(), Map.of());
            Peer known = ofNetwork.getOrDefault(peer.endpointId(), peer);
            if (!ofNetwork.isEmpty()) {
                ofNetwork.remove(peer.endpointId());
            }
            removals.computeIfAbsent(peer.networkId(), id -> new ArrayList<>()).add(known);
        }
        for (Peer peer : joined) {
            Peer before = peers.computeIfAbsent(peer.networkId(), id -> new HashMap<>()).put(peer.endpointId(), peer);
            if (before != null && !before.equals(peer)) {
                removals.computeIfAbsent(peer.networkId(), id -> new ArrayList<>()).add(before); // moved or readdressed: the newest record wins
            }
            additions.computeIfAbsent(peer.networkId(), id -> new ArrayList<>()).add(peer);
        }
        java.util.Set<String> networks = new java.util.LinkedHashSet<>(removals.keySet());
        networks.addAll(additions.keySet());
        for (String network : networks) {
            PeerEntries.of(host.netlink(), OverlayDataPlane.vxlanName(network)).ifPresent(entries -> {
                entries.removeAll(removals.getOrDefault(network, List.of()));
                entries.addAll(additions.getOrDefault(network, List.of()));
            });
        }
    }

    private List<Peer> knownPeers(Network network) {
        return new ArrayList<>(peers.getOrDefault(network.id(), Map.of()).values());
    }

    private OverlayDataPlane dataPlane(HostContext host, Network network) {
        return new OverlayDataPlane(host, network, OverlayOptions.of(network), advertiseAddress.orElseThrow(() ->
                new IllegalStateException("the overlay driver was not told this host's advertise address; give the controller one")));
    }
}
