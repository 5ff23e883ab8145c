package io.netmgr.nat;

import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The sysctls the rules depend on, set in the host namespace before the rules go in. Each is
 * only ever switched on (other software may rely on it too), and each change is logged with the
 * network that needed it:
 * <ul>
 *   <li>{@code net.ipv4.ip_forward}, {@code net.ipv6.conf.all.forwarding}: a network that
 *   reaches the outside is routed;</li>
 *   <li>{@code net.bridge.bridge-nf-call-ip(6)tables}: icc=false filters frames between ports of
 *   one bridge, which only reach the IP hooks through br_netfilter;</li>
 *   <li>{@code net.ipv4.conf.BRIDGE.route_localnet}: a port published on 127.0.0.1 (or on every
 *   address) is DNATed from 127.0.0.1 to the bridge, which the kernel otherwise refuses to route.</li>
 * </ul>
 */
public final class KernelSettings {
    private static final System.Logger LOG = System.getLogger(KernelSettings.class.getName());

    private final NetNs ns;
    private final Set<String> on = ConcurrentHashMap.newKeySet();

    public KernelSettings(NetNs ns) {
        this.ns = ns;
    }

    /** Switches on what {@code state} needs; fails (before any rule changes) when it cannot. */
    public void prepare(FirewallState state) {
        prepare(state.networks(), state.ports(), state.services());
    }

    /** {@link #prepare(List, List, List)} without services. */
    public void prepare(List<NetworkRules> networks, List<PortMapping> ports) {
        prepare(networks, ports, List.of());
    }

    /**
     * Switches on what {@code networks} and the mappings {@code ports} (on those networks) need.
     * Settings already switched on are remembered, so publishing one more port costs no look-up;
     * {@link #forget} makes the next call check everything again.
     */
    public void prepare(List<NetworkRules> networks, List<PortMapping> ports, List<ServiceRules> services) {
        Map<String, NetworkRules> byId = new HashMap<>();
        networks.forEach(n -> byId.put(n.networkId(), n));
        ns.run(() -> {
            for (NetworkRules n : networks) {
                if (!n.internal() && !n.subnets(IpFamily.V4).isEmpty()) {
                    enable("net/ipv4/ip_forward", "network " + n.networkId() + " routes IPv4 to the outside");
                }
                if (!n.internal() && !n.subnets(IpFamily.V6).isEmpty()) {
                    enable("net/ipv6/conf/all/forwarding", "network " + n.networkId() + " routes IPv6 to the outside");
                }
                if (!n.icc()) {
                    if (!Files.exists(Path.of("/proc/sys/net/bridge"))) {
                        throw new FirewallException(FirewallException.Reason.BACKEND_FAILED, "network " + n.networkId()
                                + " has icc=false, which needs br_netfilter: run 'modprobe br_netfilter'");
                    }
                    enable("net/bridge/bridge-nf-call-iptables", "network " + n.networkId() + " has icc=false");
                    enable("net/bridge/bridge-nf-call-ip6tables", "network " + n.networkId() + " has icc=false");
                }
            }
            Set<String> localhostBridges = ports.stream()
                    .filter(p -> p.family() == IpFamily.V4 && p.hostIp().map(ip -> (ip.low() >>> 24) == 127).orElse(true))
                    .map(p -> byId.get(p.networkId()).bridge())
                    .collect(Collectors.toCollection(TreeSet::new));
            // a service's published ports answer on 127.0.0.1 too, DNATed to its backends' bridges
            services.stream().filter(s -> !s.ports().isEmpty()).flatMap(s -> s.backends().stream())
                    .map(b -> byId.get(b.networkId())).filter(java.util.Objects::nonNull)
                    .forEach(n -> localhostBridges.add(n.bridge()));
            for (String bridge : localhostBridges) {
                Path conf = Path.of("/proc/sys/net/ipv4/conf", bridge);
                if (Files.isDirectory(conf)) {
                    enable("net/ipv4/conf/" + bridge + "/route_localnet",
                            "ports published on 127.0.0.1 are forwarded to bridge " + bridge);
                } else {
                    LOG.log(Level.WARNING, "bridge " + bridge + " does not exist yet: its ports published on 127.0.0.1"
                            + " will work once it does and the firewall is applied again");
                }
            }
        });
    }

    /** Forgets which settings are on, so that the next {@link #prepare} checks (and restores) them all. */
    public void forget() {
        on.clear();
    }

    private void enable(String key, String why) {
        if (on.contains(key)) {
            return;
        }
        Path file = Path.of("/proc/sys").resolve(key);
        try {
            if (!Files.readString(file).trim().equals("1")) {
                Files.writeString(file, "1");
                LOG.log(Level.INFO, "set " + key.replace('/', '.') + "=1 in " + ns + ": " + why);
            }
            on.add(key);
        } catch (IOException e) {
            throw new UncheckedIOException("set " + key.replace('/', '.') + "=1 in " + ns + " (" + why + ")", e);
        }
    }
}
