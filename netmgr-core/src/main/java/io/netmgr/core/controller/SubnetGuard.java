package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.cluster.HostInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.kernel.HostKernel;
import io.netmgr.core.kernel.HostKernel.RoutedSubnet;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Refuses a subnet given for a new network that would take addresses the host or the cluster
 * already depends on, before anything is granted or made (podman refuses a subnet the host uses
 * as well; Docker accepts it and cuts the host off):
 * <ul>
 *   <li>a range no network may use: loopback, link-local, multicast, "this network", reserved;</li>
 *   <li>for a driver that puts the gateway on a host link (bridge, overlay): a destination the
 *   host already routes through a link of its own (its LAN, its underlay, a VPN); the network's
 *   route would compete with it. Pools of the same IPAM are left to its own, clearer refusal;</li>
 *   <li>for a network spanning hosts: a cluster host's advertise address. An overlay's anycast
 *   gateway is held by every joined host, so a subnet holding the underlay made joined hosts
 *   answer a peer's VTEP address themselves, and VXLAN between them stopped for every overlay.</li>
 * </ul>
 * And for a network spanning hosts, a host joining it refuses its first endpoint there when it
 * routes the network's subnet through a link of its own ({@link #checkJoin}).
 */
final class SubnetGuard {
    private static final Map<IpPrefix, String> RESERVED = Map.ofEntries(
            Map.entry(IpPrefix.parse("0.0.0.0/8"), "\"this network\""),
            Map.entry(IpPrefix.parse("127.0.0.0/8"), "loopback"),
            Map.entry(IpPrefix.parse("169.254.0.0/16"), "link-local"),
            Map.entry(IpPrefix.parse("224.0.0.0/4"), "multicast"),
            Map.entry(IpPrefix.parse("240.0.0.0/4"), "reserved, and broadcast"),
            Map.entry(IpPrefix.parse("::/127"), "unspecified and loopback"),
            Map.entry(IpPrefix.parse("fe80::/10"), "link-local"),
            Map.entry(IpPrefix.parse("ff00::/8"), "multicast"));

    private final HostKernel kernel;
    private final NetworkScopes scopes;
    private final StateStore state;

    SubnetGuard(HostKernel kernel, NetworkScopes scopes, StateStore state) {
        this.kernel = kernel;
        this.scopes = scopes;
        this.state = state;
    }

    /**
     * Refuses the first subnet {@code config} gives that takes what the host or cluster uses;
     * {@code hostLink} when its driver holds the gateway on a host link. Reads nothing when the
     * network gives no subnet: default pools already skip the host's routes.
     */
    void check(NetworkConfig config, boolean hostLink) {
        if (config.ipam().isEmpty()) {
            return;
        }
        Set<IpPrefix> held = scopes.ipamFor(config.driver()).pools().stream().map(Pool::subnet).collect(Collectors.toSet());
        // read once for every subnet: the cluster's hosts are an etcd round trip, the routes a kernel dump
        List<HostInfo> hosts = scopes.scopeOf(config.driver()).equals(Network.GLOBAL) ? scopes.clusterHosts() : List.of();
        List<RoutedSubnet> routes = hostLink ? kernel.routedSubnets() : List.of();
        for (IpamConfig c : config.ipam()) {
            check(config.name(), c.subnet(), hosts, routes, held);
        }
    }

    /**
     * Refuses {@code subnet} of network {@code name}, naming what it would take: {@code hosts}
     * the cluster hosts whose advertise addresses it must keep clear of (none for a local
     * network), {@code routes} the host's routes it must not compete with (none when the driver
     * puts no gateway on a host link), {@code ipamPools} the subnets the IPAM that grants it
     * already holds (left to its own refusal).
     */
    private void check(String name, IpPrefix subnet, List<HostInfo> hosts, List<RoutedSubnet> routes, Set<IpPrefix> ipamPools) {
        for (Map.Entry<IpPrefix, String> reserved : RESERVED.entrySet()) {
            if (reserved.getKey().family() == subnet.family() && reserved.getKey().overlaps(subnet)) {
                throw NetmgrException.invalid("network " + name + ": subnet " + subnet + " overlaps " + reserved.getKey() + " ("
                        + reserved.getValue() + "), which no network may use; choose another --subnet");
            }
        }
        for (HostInfo host : hosts) {
            IpAddress address = parseOrNull(host.advertiseAddress());
            if (address != null && address.family() == subnet.family() && subnet.contains(address)) {
                throw NetmgrException.conflict("network " + name + ": subnet " + subnet + " holds " + address + ", the advertise"
                        + " address of cluster host " + host.hostname() + "; every host joining the network would hide that"
                        + " host's underlay address behind the network's gateway; choose a --subnet outside the underlay");
            }
        }
        overlapping(routes, subnet, route -> ipamPools.contains(route.destination())).ifPresent(route -> {
            throw NetmgrException.conflict("network " + name + ": subnet " + subnet + " overlaps " + route.destination()
                    + ", which this host already routes through " + kernel.linkName(route.linkIndex()) + "; the network's route"
                    + " would compete with it and cut the host off from those addresses; choose another --subnet");
        });
    }

    /**
     * Refuses this host's first endpoint on {@code network} when it spans hosts, its driver holds
     * the gateway on a host link, and this host routes a destination overlapping one of its
     * subnets: the creating host checked only its own routes ({@link #check}), and this one may
     * route the subnet on its own LAN. Before anything is made here; the network stays usable on
     * the other hosts. Whether this host is on the network already is told by the kernel (the
     * network's link exists, made at its first join here), never by the cluster store, so later
     * endpoints cost no round trip to etcd.
     */
    void checkJoin(Network network, NetworkDriver driver) {
        if (!state.isGlobalNetwork(network.id())) {
            return;
        }
        Optional<String> link = driver.networkLink(network);
        if (link.isEmpty() || kernel.hasLink(link.get())) {
            return; // the network's route goes through its own link here already
        }
        List<RoutedSubnet> routes = kernel.routedSubnets();
        for (NetworkPool pool : network.pools()) {
            IpPrefix subnet = pool.subnet();
            overlapping(routes, subnet, route -> false).ifPresent(route -> {
                String through = kernel.linkName(route.linkIndex());
                throw NetmgrException.conflict("network " + network.name() + ": its subnet " + subnet + " overlaps "
                        + route.destination() + ", which this host routes through " + through + "; joining the network"
                        + " here would make its route compete with that one and cut this host off from those addresses;"
                        + " connect on another host, free " + route.destination() + " on this host, or recreate the"
                        + " network with another --subnet");
            });
        }
    }

    /** The first of {@code routes} whose destination overlaps {@code subnet}, but those {@code ours} says are the network's own. */
    private static Optional<RoutedSubnet> overlapping(List<RoutedSubnet> routes, IpPrefix subnet, Predicate<RoutedSubnet> ours) {
        return routes.stream().filter(route -> route.destination().family() == subnet.family()
                && route.destination().overlaps(subnet) && !ours.test(route)).findFirst();
    }

    private static IpAddress parseOrNull(String text) {
        try {
            return text == null || text.isBlank() ? null : IpAddress.parse(text);
        } catch (RuntimeException e) {
            return null; // a record another version wrote differently names no address to keep clear
        }
    }
}
