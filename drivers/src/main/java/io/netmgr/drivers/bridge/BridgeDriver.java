package io.netmgr.drivers.bridge;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.Capability;
import io.netmgr.core.driver.CniMapping;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.NetlinkException;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.Links;
import io.netmgr.netlink.sys.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Linux bridge per network, holding the gateway addresses; each endpoint is a veth pair
 * whose host side is a bridge port and whose other side is created directly inside the
 * sandbox under its final name.
 *
 * <p>Options: see {@link BridgeOptions}. The bridge's firewall rules (masquerade, isolation,
 * icc, published ports) are stated by {@link #firewallRules} and programmed by the controller.
 */
public final class BridgeDriver implements NetworkDriver {
    private static final Pattern DEFAULT_BRIDGE = Pattern.compile("nm-([0-9a-f]{12})");
    private static final Pattern HOST_SIDE = Pattern.compile("nmv([0-9a-f]{12})");
    /** The driver's name, as networks and CNI configurations give it. */
    public static final String NAME = "bridge";
    public static final String NAME_OPTION = "bridge.name";
    /** "false": the bridge holds no gateway address and containers get no default route through it. */
    public static final String GATEWAY_OPTION = "bridge.gateway";

    @Override
    public String name() {
        return NAME;
    }

    /** CNI's keys for the bridge's options, and CNI's defaults where they are not Docker's. */
    private static final CniMapping CNI = new CniMapping(
            Map.of("bridge", NAME_OPTION, "isGateway", GATEWAY_OPTION, "ipMasq", "masquerade", "hairpinMode", "hairpin"),
            Map.of("masquerade", "false", "hairpin", "false"), // no masquerade and no hairpin unless asked for
            Map.of("bridge", "", "isGateway", "true"));

    @Override
    public Capability capability() {
        return Capability.LOCAL.withTrafficShaping().withGateway();
    }

    @Override
    public Optional<CniMapping> cniMapping() {
        return Optional.of(CNI);
    }

    @Override
    public void validate(Network network) {
        BridgeOptions.of(network);
    }

    /** The pools' gateways, or none when the bridge holds none ({@value #GATEWAY_OPTION}=false). */
    @Override
    public List<IpAddress> gateways(Network network) {
        return BridgeOptions.of(network).gateway() ? NetworkDriver.super.gateways(network) : List.of();
    }

    @Override
    public Optional<String> networkLink(Network network) {
        return Optional.of(bridgeName(network));
    }

    @Override
    public List<String> missingKernelFeatures(NetlinkHandle scratch) {
        try {
            scratch.links().add(Bridge.named("probebr"));
            return List.of();
        } catch (RuntimeException e) {
            return List.of("bridge links (" + e.getMessage() + ")");
        }
    }

    @Override
    public Optional<NetworkRules> firewallRules(Network network) {
        BridgeOptions options = BridgeOptions.of(network);
        List<IpPrefix> subnets = network.pools().stream().map(NetworkPool::subnet).toList();
        return Optional.of(new NetworkRules(network.id(), options.bridgeName(), subnets, options.masquerade(),
                network.internal(), options.icc(), options.hairpin()));
    }

    @Override
    public void createNetwork(HostContext host, Network network) {
        Links links = host.netlink().links();
        BridgeOptions options = BridgeOptions.of(network);
        String name = options.bridgeName();
        if (links.exists(name)) {
            throw NetmgrException.conflict("bridge " + name + " already exists on the host; choose another "
                    + NAME_OPTION + " or remove it");
        }
        // an address of its own: without one the kernel gives the bridge its lowest port's, which
        // changes as containers come and go, under the gateway MAC in their ARP caches; derived
        // from the network, so a bridge made again (a repair) answers at the MAC they hold
        LinkAttrs attrs = LinkAttrs.named(name).withMtu(options.mtu()).withMac(MacAddress.derivedLocal("netmgr bridge " + network.id()));
        int index = links.add(new Bridge(attrs)).index();
        try {
            for (IpNet gateway : gatewayAddresses(network, options)) {
                host.netlink().addresses().add(Address.of(index, gateway).withFlags(gateway.isIpv6() ? Address.NODAD : 0));
            }
            links.setUp(name);
        } catch (RuntimeException e) {
            links.deleteIfExists(name);
            throw e;
        }
    }

    @Override
    public void deleteNetwork(HostContext host, Network network) {
        // out of service now, deleted in the background: the kernel's deletion of a bridge is the
        // slow part of removing a network (see LinkReaper)
        host.reaper().retire(host.netlink(), bridgeName(network));
    }

    @Override
    public boolean intact(HostContext host, Network network) {
        return host.netlink().links().exists(bridgeName(network));
    }

    @Override
    public List<String> repair(HostContext host, Network network, List<Endpoint> joined) {
        List<String> done = new ArrayList<>();
        Links links = host.netlink().links();
        String bridge = bridgeName(network);
        if (!links.exists(bridge)) {
            createNetwork(host, network);
            done.add("recreated bridge " + bridge + " of network " + network.name());
        }
        int index = links.get(bridge).index();
        Set<String> present = host.netlink().addresses().list(index).stream().map(a -> a.ip().toString())
                .collect(Collectors.toSet());
        for (IpNet gateway : gatewayAddresses(network, BridgeOptions.of(network))) {
            if (!present.contains(gateway.toString())) {
                host.netlink().addresses().add(Address.of(index, gateway).withFlags(gateway.isIpv6() ? Address.NODAD : 0));
                done.add("restored gateway " + gateway + " on " + bridge);
            }
        }
        if (!links.get(bridge).attrs().up()) {
            links.setUp(bridge);
        }
        boolean hairpin = BridgeOptions.of(network).hairpin();
        for (Endpoint e : joined) {
            // a bridge deleted and made again has lost its ports; the veths themselves survive
            links.find(hostSideName(e)).filter(l -> l.attrs().masterIndex() != index).ifPresent(l -> {
                links.setMaster(l.name(), bridge);
                links.setUp(l.name());
                if (hairpin) {
                    links.setHairpin(l.name(), true); // a port setting: it went with the old bridge
                }
                done.add("reattached " + l.name() + " (endpoint " + e.name() + ") to " + bridge);
            });
        }
        return done;
    }

    @Override
    public Map<String, String> madeLinks(HostContext host) {
        Map<String, String> made = new HashMap<>();
        for (Link l : host.netlink().links().list()) {
            Matcher bridge = DEFAULT_BRIDGE.matcher(l.name());
            Matcher port = HOST_SIDE.matcher(l.name());
            if (l instanceof Bridge && bridge.matches()) {
                made.put(l.name(), bridge.group(1));
            } else if (l instanceof Veth && port.matches()) {
                made.put(l.name(), port.group(1));
            }
        }
        return made;
    }

    /** Ports a Linux bridge takes (BR_MAX_PORTS 1024, less port number 0); one more fails with EXFULL. */
    public static final int MAX_PORTS = 1023;

    @Override
    public JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        Links links = host.netlink().links();
        BridgeOptions options = BridgeOptions.of(network);
        String hostSide = hostSideName(endpoint);
        int bridge = links.get(options.bridgeName()).index();
        // port of the bridge and up from the start: one request instead of three
        LinkAttrs attrs = LinkAttrs.named(hostSide).withMtu(options.mtu()).withMaster(bridge).withUp(true);
        Link made;
        try {
            made = links.add(new Veth(attrs, endpoint.interfaceName(), sandbox, MacAddress.parse(endpoint.mac())));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.EXFULL) {
                // the kernel made neither end: enslaving failed inside the request that creates the pair
                throw NetmgrException.conflict("network " + network.name() + " is full: its bridge " + options.bridgeName()
                        + " has " + MAX_PORTS + " ports, the most a Linux bridge takes; put this container on another network");
            }
            throw e;
        }
        try {
            if (options.hairpin()) {
                links.setHairpin(made.index(), hostSide, true); // the index add read back: no second lookup
            }
            if (!endpoint.bandwidth().isEmpty()) {
                try (NetlinkHandle inside = NetlinkHandle.open(sandbox)) {
                    new VethShaping(host.netlink(), hostSide, inside, endpoint.interfaceName(), sandbox.path()).apply(endpoint.bandwidth());
                }
            }
        } catch (RuntimeException e) {
            links.deleteIfExists(hostSide); // takes the sandbox side and the qdiscs with it
            throw e;
        }
        return JoinInfo.created(endpoint.interfaceName(), hostSide).withGateways(gateways(network));
    }

    @Override
    public List<String> repairEndpoint(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        if (endpoint.bandwidth().isEmpty() || !host.netlink().links().exists(hostSideName(endpoint))) {
            return List.of();
        }
        try (NetlinkHandle inside = NetlinkHandle.open(sandbox)) {
            return new VethShaping(host.netlink(), hostSideName(endpoint), inside, endpoint.interfaceName(), sandbox.path())
                    .repair(endpoint.bandwidth(), endpoint.name());
        }
    }

    @Override
    public List<String> verify(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        List<String> drift = new ArrayList<>();
        Links links = host.netlink().links();
        String bridge = bridgeName(network);
        var br = links.find(bridge);
        var veth = links.find(hostSideName(endpoint));
        if (br.isEmpty()) {
            drift.add("bridge " + bridge + " is missing");
        } else if (veth.isEmpty()) {
            drift.add("host interface " + hostSideName(endpoint) + " is missing");
        } else if (veth.get().attrs().masterIndex() != br.get().attrs().index()) {
            drift.add("host interface " + hostSideName(endpoint) + " is not a port of " + bridge);
        }
        try (NetlinkHandle inside = NetlinkHandle.open(sandbox)) {
            drift.addAll(new VethShaping(host.netlink(), hostSideName(endpoint), inside, endpoint.interfaceName(), sandbox.path())
                    .drift(endpoint.bandwidth()));
        }
        return drift;
    }

    @Override
    public void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        // deleting one end of a veth deletes the other, wherever it is
        host.netlink().links().deleteIfExists(hostSideName(endpoint));
    }

    /** The addresses the bridge holds: each pool's gateway, or none with {@value #GATEWAY_OPTION}=false. */
    private static List<IpNet> gatewayAddresses(Network network, BridgeOptions options) {
        return options.gateway() ? network.pools().stream().map(NetworkPool::gatewayAddress).toList() : List.of();
    }

    /** The bridge's name on the host. */
    public static String bridgeName(Network network) {
        return BridgeOptions.of(network).bridgeName();
    }

    /**
     * "nmv" + 12 hex digits of the endpoint id (15 bytes, the kernel's limit). A prefix of our
     * own, not "veth", so the reconciler can never take Docker's or a CNI plugin's veths for ours.
     */
    static String hostSideName(Endpoint endpoint) {
        return "nmv" + endpoint.id().substring(0, 12);
    }
}
