package io.netmgr.overlay;

import io.netmgr.core.Ids;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.Links;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One overlay network on one host: bridge {@code nmo<id12>} holding the network's gateway
 * addresses (the same on every host: an anycast gateway), VXLAN device {@code nmt<id12>} as
 * its port (VNI and UDP port from the options, local end the host's advertise address on the
 * underlay link that holds it, learning off, proxy on so it answers ARP and neighbour
 * solicitations from its neighbour table), and one veth {@code nmw<endpoint12>} per endpoint.
 * MTU: the option, else the underlay's less the 50 bytes of VXLAN's outer headers.
 */
final class OverlayDataPlane {
    /** Outer Ethernet (14), IPv4 (20), UDP (8) and VXLAN (8) headers. */
    static final int VXLAN_OVERHEAD = 50;
    private static final Pattern NETWORK_LINK = Pattern.compile("nm[ot]([0-9a-f]{12})");
    private static final Pattern HOST_SIDE = Pattern.compile("nmw([0-9a-f]{12})");

    private final HostContext host;
    private final Links links;
    private final Network network;
    private final OverlayOptions options;
    private final String advertiseAddress;

    OverlayDataPlane(HostContext host, Network network, OverlayOptions options, String advertiseAddress) {
        this.host = host;
        this.links = host.netlink().links();
        this.network = network;
        this.options = options;
        this.advertiseAddress = advertiseAddress;
    }

    static String bridgeName(Network network) {
        return "nmo" + Ids.shortId(network.id());
    }

    static String vxlanName(String networkId) {
        return "nmt" + Ids.shortId(networkId);
    }

    static String hostSideName(Endpoint endpoint) {
        return "nmw" + Ids.shortId(endpoint.id());
    }

    boolean exists() {
        return links.exists(bridgeName(network));
    }

    /**
     * Makes the bridge and VXLAN device unless both are there, programming {@code peers};
     * returns whether it made them. Either both are made or neither.
     */
    boolean ensure(List<Peer> peers) {
        String bridge = bridgeName(network);
        String vxlan = vxlanName(network.id());
        if (links.exists(bridge) && links.exists(vxlan)) {
            return false;
        }
        remove(); // half of it (a crash between the two): start again
        IpAddress local = IpAddress.parse(advertiseAddress);
        Link underlay = underlay(local);
        int mtu = options.mtu() > 0 ? options.mtu() : underlay.attrs().mtu() - VXLAN_OVERHEAD;
        try {
            int bridgeIndex = links.add(new Bridge(LinkAttrs.named(bridge).withMtu(mtu).withMac(bridgeMac()))).index();
            for (IpNet gateway : gateways()) {
                host.netlink().addresses().add(Address.of(bridgeIndex, gateway).withFlags(gateway.isIpv6() ? Address.NODAD : 0));
            }
            links.add(Vxlan.of(vxlan, options.vni().orElseThrow()).withLocal(local.toInetAddress()).withPort(options.port())
                    .withLearning(false).withProxy(true).withUnderlay(underlay.attrs().index())
                    .withAttrs(LinkAttrs.named(vxlan).withMtu(mtu).withMaster(bridgeIndex)));
            links.setUp(vxlan);
            links.setUp(bridge);
            PeerEntries.of(host.netlink(), vxlan).orElseThrow().addAll(peers);
            return true;
        } catch (RuntimeException e) {
            remove();
            throw e;
        }
    }

    /**
     * The bridge's MAC, which other hosts program for this host's mesh address: derived from the
     * network and this host's advertise address, so a bridge made again (a repair, a restart)
     * answers at the MAC the peers already hold, and no two hosts' bridges share one.
     */
    MacAddress bridgeMac() {
        return MacAddress.derivedLocal("netmgr overlay bridge " + network.id() + " " + advertiseAddress);
    }

    /** The host's link holding the advertise address: VXLAN packets leave through it. */
    private Link underlay(IpAddress local) {
        return host.netlink().addresses().list().stream().filter(a -> a.ip().address().equals(local)).findFirst()
                .map(a -> links.get(a.linkIndex())).orElseThrow(() -> new IllegalStateException("no link of this host holds"
                        + " its advertise address " + local + "; give netmgrd --advertise-addr an address of this host's underlay"));
    }

    private List<IpNet> gateways() {
        return network.pools().stream().map(NetworkPool::gatewayAddress).toList();
    }

    /** Makes the endpoint's veth pair: one end a port of the bridge, the other in the sandbox under its final name. */
    void plug(Endpoint endpoint, NetNs sandbox) {
        int bridge = links.get(bridgeName(network)).index();
        int mtu = links.get(bridge).attrs().mtu();
        LinkAttrs attrs = LinkAttrs.named(hostSideName(endpoint)).withMtu(mtu).withMaster(bridge).withUp(true);
        links.add(new Veth(attrs, endpoint.interfaceName(), sandbox, MacAddress.parse(endpoint.mac())));
    }

    /** Removes the endpoint's veth pair (both ends go together), if still there. */
    void unplug(Endpoint endpoint) {
        links.deleteIfExists(hostSideName(endpoint));
    }

    /** The bridge's ports other than the VXLAN device: this host's endpoints on the network. */
    int ports() {
        int bridge = links.get(bridgeName(network)).index();
        String vxlan = vxlanName(network.id());
        return (int) links.list().stream().filter(l -> l.attrs().masterIndex() == bridge && !l.name().equals(vxlan)).count();
    }

    /**
     * Holds {@code address} (as a /32 beside the gateway) on the bridge for the service mesh;
     * makes the data plane first if need be. A mesh address held before (another, after a lost
     * lease) goes. Returns the bridge's MAC, which other hosts program for the address: fixed
     * since the bridge was made (its own, not its lowest port's), and left as it is, since this
     * host's containers hold it for their gateway.
     */
    MacAddress holdMeshAddress(IpNet address, List<Peer> peers) {
        ensure(peers);
        String bridge = bridgeName(network);
        int index = links.get(bridge).index();
        IpNet host = IpNet.host(address.address());
        boolean held = false;
        for (Address a : meshAddresses(index)) {
            if (a.ip().equals(host)) {
                held = true;
            } else {
                this.host.netlink().addresses().delete(a);
            }
        }
        if (!held) {
            this.host.netlink().addresses().add(Address.of(index, host));
        }
        return links.get(bridge).attrs().mac();
    }

    /** Gives the mesh address up; the data plane goes too when no endpoint of this host is on it. */
    void releaseMeshAddress() {
        if (!exists()) {
            return;
        }
        int index = links.get(bridgeName(network)).index();
        meshAddresses(index).forEach(a -> host.netlink().addresses().delete(a));
        if (ports() == 0) {
            remove();
        }
    }

    /** Whether this host holds a mesh address on the network: its data plane stays without endpoints. */
    boolean meshed() {
        return exists() && !meshAddresses(links.get(bridgeName(network)).index()).isEmpty();
    }

    /** The bridge's IPv4 host addresses (/32) other than its gateways: the mesh address. */
    private List<Address> meshAddresses(int bridgeIndex) {
        List<IpNet> gateways = gateways();
        return host.netlink().addresses().list(bridgeIndex).stream()
                .filter(a -> !a.ip().isIpv6() && a.ip().prefixLength() == 32 && !gateways.contains(a.ip())).toList();
    }

    /** Removes the VXLAN device (its FDB and neighbour entries go with it) and the bridge. */
    void remove() {
        links.deleteIfExists(vxlanName(network.id()));
        links.deleteIfExists(bridgeName(network));
    }

    /** Makes the data plane again if gone, with the joined endpoints' veths as its ports. */
    List<String> repair(List<Endpoint> joined, List<Peer> peers) {
        List<String> done = new ArrayList<>();
        if (ensure(peers)) {
            done.add("made the overlay data plane of network " + network.name() + " again (" + bridgeName(network) + ", "
                    + vxlanName(network.id()) + ")");
        }
        int bridge = links.get(bridgeName(network)).index();
        for (Endpoint e : joined) {
            links.find(hostSideName(e)).filter(l -> l.attrs().masterIndex() != bridge).ifPresent(l -> {
                links.setMaster(l.name(), bridgeName(network));
                links.setUp(l.name());
                done.add("reattached " + l.name() + " (endpoint " + e.name() + ") to " + bridgeName(network));
            });
        }
        return done;
    }

    /** The links overlay networks made on this host, each with the id prefix of its network or endpoint. */
    static Map<String, String> madeLinks(NetlinkHandle netlink) {
        Map<String, String> made = new HashMap<>();
        for (Link l : netlink.links().list()) {
            Matcher network = NETWORK_LINK.matcher(l.name());
            Matcher port = HOST_SIDE.matcher(l.name());
            if (network.matches()) {
                made.put(l.name(), network.group(1));
            } else if (port.matches() && l instanceof Veth) {
                made.put(l.name(), port.group(1));
            }
        }
        return made;
    }
}
