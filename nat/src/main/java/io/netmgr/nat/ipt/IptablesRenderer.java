package io.netmgr.nat.ipt;

import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.nat.PublishedPort;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link FirewallState} for one address family as an {@code iptables-restore --noflush}
 * script: a pure function of the state and of what {@code iptables-save} showed, checked by
 * golden files. The behaviour is the nftables backend's (see
 * {@link io.netmgr.nat.nft.NftablesRenderer}); only the shape differs, with Docker's chain layout
 * so that users find what they expect:
 * <ul>
 *   <li>filter {@code FORWARD} jumps to {@code NETMGR-USER} first, then {@code NETMGR-FORWARD};
 *   {@code NETMGR-USER} is the user's: created once, never flushed, removed at teardown only
 *   when the user left it empty;</li>
 *   <li>{@code NETMGR-FORWARD} accepts replies and, through {@code NETMGR-PUBLISHED}, DNATed
 *   traffic to published ports; applies icc; sends the rest bound for a bridge to
 *   {@code NETMGR-ISOLATION}, which drops it (other networks, unpublished ports, routed access to
 *   containers); and lets bridges out unless internal;</li>
 *   <li>nat {@code NETMGR-DNAT} (from PREROUTING and OUTPUT, local destinations) publishes ports,
 *   {@code NETMGR-POSTROUTING} masquerades; raw {@code NETMGR-PREROUTING} drops remote traffic to
 *   127/8, which route_localnet would otherwise let in;</li>
 *   <li>services (IPv4): nat {@code NETMGR-SERVICES} and filter {@code NETMGR-INPUT} jump to one
 *   {@code NETMGR-SVC-<id>} chain per service in each table ({@link IptablesServices}), which a
 *   change of that service alone rewrites.</li>
 * </ul>
 * Every apply rewrites netmgr's chains whole (declaring a chain in a restore script flushes it),
 * in one restore per family, which the kernel commits atomically.
 */
public final class IptablesRenderer {
    public static final String USER = "NETMGR-USER";
    public static final String FORWARD = "NETMGR-FORWARD";
    public static final String PUBLISHED = "NETMGR-PUBLISHED";
    public static final String ISOLATION = "NETMGR-ISOLATION";
    public static final String DNAT = "NETMGR-DNAT";
    public static final String POSTROUTING = "NETMGR-POSTROUTING";
    public static final String RAW = "NETMGR-PREROUTING";

    /** A jump from a built-in chain to one of netmgr's, as iptables-save prints it. */
    record Jump(String table, String builtin, String match, String target) {
        String rule() {
            return "-A " + builtin + (match.isEmpty() ? "" : " " + match) + " -j " + target;
        }

        String spec() {
            return (match.isEmpty() ? "" : match + " ") + "-j " + target;
        }
    }

    private IptablesRenderer() {
    }

    /** netmgr's chains of {@code family}, by table, in the order they are written. */
    static Map<String, List<String>> chains(IpFamily family) {
        Map<String, List<String>> chains = new LinkedHashMap<>();
        if (family == IpFamily.V4) {
            chains.put("raw", List.of(RAW));
            // services balance IPv4 only: their dispatch chains exist in that family alone
            chains.put("nat", List.of(DNAT, POSTROUTING, IptablesServices.SERVICES));
            chains.put("filter", List.of(FORWARD, PUBLISHED, ISOLATION, IptablesServices.INPUT));
        } else {
            chains.put("nat", List.of(DNAT, POSTROUTING));
            chains.put("filter", List.of(FORWARD, PUBLISHED, ISOLATION));
        }
        return chains;
    }

    static List<Jump> jumps(IpFamily family) {
        List<Jump> jumps = new ArrayList<>();
        if (family == IpFamily.V4) {
            jumps.add(new Jump("raw", "PREROUTING", "", RAW));
        }
        jumps.add(new Jump("nat", "PREROUTING", "-m addrtype --dst-type LOCAL", DNAT));
        jumps.add(new Jump("nat", "OUTPUT", "-m addrtype --dst-type LOCAL", DNAT));
        jumps.add(new Jump("nat", "POSTROUTING", "", POSTROUTING));
        if (family == IpFamily.V4) {
            // VIPs are addresses of the bridges, so local destinations too
            jumps.add(new Jump("nat", "PREROUTING", "-m addrtype --dst-type LOCAL", IptablesServices.SERVICES));
            jumps.add(new Jump("nat", "OUTPUT", "-m addrtype --dst-type LOCAL", IptablesServices.SERVICES));
            jumps.add(new Jump("filter", "INPUT", "", IptablesServices.INPUT));
        }
        // NETMGR-USER before NETMGR-FORWARD: the user's rules see every packet first
        jumps.add(new Jump("filter", "FORWARD", "", USER));
        jumps.add(new Jump("filter", "FORWARD", "", FORWARD));
        return jumps;
    }

    /** The part of {@code state} this family programs: networks with a subnet of it, and their ports. */
    static FirewallState forFamily(FirewallState state, IpFamily family) {
        List<NetworkRules> networks = state.networks().stream().filter(n -> !n.subnets(family).isEmpty()).toList();
        if (networks.isEmpty()) {
            return FirewallState.EMPTY;
        }
        return new FirewallState(networks, state.ports().stream().filter(p -> p.family() == family).toList(),
                family == IpFamily.V4 ? state.services() : List.of());
    }

    /**
     * The restore script that makes {@code family}'s rules those of {@code state}, given what
     * {@code saved} shows; empty when nothing is to be done.
     */
    public static String render(FirewallState state, IpFamily family, IptablesSnapshot saved) {
        FirewallState s = forFamily(state, family);
        Map<String, List<String>> rules = s.isEmpty() ? Map.of() : rules(s, family);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> table : chains(family).entrySet()) {
            String t = table.getKey();
            StringBuilder body = new StringBuilder();
            if (s.isEmpty()) {
                teardown(t, family, saved, body);
            } else {
                for (String chain : table.getValue()) {
                    body.append(':').append(chain).append(" - [0:0]\n");
                }
                if (t.equals("filter") && !saved.hasChain(t, USER)) {
                    body.append(':').append(USER).append(" - [0:0]\n");
                }
                // the services' chains first: the dispatch chain's jumps need them to exist
                serviceChains(t, s, saved, body);
                for (String chain : table.getValue()) {
                    for (String rule : rules.getOrDefault(chain, List.of())) {
                        body.append("-A ").append(chain).append(' ').append(rule).append('\n');
                    }
                }
                insertJumps(t, family, saved, body);
            }
            if (body.length() > 0) {
                out.append('*').append(t).append('\n').append(body).append("COMMIT\n");
            }
        }
        return out.toString();
    }

    /**
     * Each service's chain of {@code table}, declared and filled, and the service chains
     * {@code saved} shows that {@code s} no longer has removed (the dispatch chain that jumped to
     * them was declared, so flushed, above: nothing refers to them any more).
     */
    private static void serviceChains(String table, FirewallState s, IptablesSnapshot saved, StringBuilder body) {
        if (!table.equals("nat") && !table.equals("filter")) {
            return;
        }
        Set<String> kept = new LinkedHashSet<>();
        for (ServiceRules svc : s.services()) {
            kept.add(IptablesServices.chain(svc));
            IptablesServices.fill(body, svc, table.equals("nat") ? IptablesServices.natRules(svc) : IptablesServices.filterRules(svc));
        }
        List<String> stale = serviceChains(table, saved).stream().filter(c -> !kept.contains(c)).toList();
        stale.forEach(c -> body.append("-F ").append(c).append('\n'));
        stale.forEach(c -> body.append("-X ").append(c).append('\n'));
    }

    /** The service chains {@code saved} shows in {@code table}. */
    static List<String> serviceChains(String table, IptablesSnapshot saved) {
        return saved.chains().getOrDefault(table, Set.of()).stream().filter(c -> c.startsWith(IptablesServices.CHAIN_PREFIX))
                .sorted().toList();
    }

    /** The rules of each of netmgr's chains (without "-A CHAIN"), for a non-empty state. */
    static Map<String, List<String>> rules(FirewallState s, IpFamily family) {
        Map<String, List<String>> r = new LinkedHashMap<>();
        List<String> forward = new ArrayList<>();
        List<String> isolation = new ArrayList<>();
        List<String> dnat = new ArrayList<>();
        List<String> postrouting = new ArrayList<>();
        Set<String> published = new LinkedHashSet<>();
        for (NetworkRules n : s.networks()) {
            forward.add("-o " + n.bridge() + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        }
        forward.add("-m conntrack --ctstate DNAT -j " + PUBLISHED);
        if (family == IpFamily.V4) {
            for (NetworkRules n : s.networks()) {
                // a container's flow to a VIP of this network comes from its bridge: from another, refused (isolation)
                forward.add("-o " + n.bridge() + " ! -i " + n.bridge() + " -m mark --mark " + IptablesServices.CONTAINER_VIP_MARK + "/"
                        + IptablesServices.CONTAINER_VIP_MARK + " -j DROP");
                if (!n.internal()) {
                    // a service's first packet, marked by its chain: to any backend port
                    forward.add("-o " + n.bridge() + " -m mark --mark " + IptablesServices.SERVICE_MARK + "/"
                            + IptablesServices.SERVICE_MARK + " -j ACCEPT");
                }
            }
        }
        for (NetworkRules n : s.networks()) {
            forward.add("-i " + n.bridge() + " -o " + n.bridge() + " -j " + (n.icc() ? "ACCEPT" : "DROP"));
        }
        forward.add("-j " + ISOLATION);
        for (NetworkRules n : s.networks()) {
            forward.add("-i " + n.bridge() + " -j " + (n.internal() ? "DROP" : "ACCEPT"));
            isolation.add("-o " + n.bridge() + " -j DROP");
        }

        for (NetworkRules n : s.networks()) {
            if (!n.hairpin()) {
                dnat.add("-i " + n.bridge() + " -j RETURN");
            }
        }
        List<PublishedPort> ports = PublishedPort.of(s.ports());
        // address-specific mappings before those on every address, as in the nftables maps
        for (boolean specific : new boolean[] {true, false}) {
            for (PublishedPort p : ports) {
                if (p.hostIp().isPresent() == specific) {
                    dnat.add(dnatRule(p));
                }
            }
        }
        for (PublishedPort p : ports) {
            published.add(acceptRule(p));
        }

        if (family == IpFamily.V4) {
            // a VIP flow bridged to its backend by br_netfilter: its replies are un-NATed on the
            // bridge, so the backend sees the client's own address; a routed one is source-NATed
            postrouting.add("-m mark --mark " + IptablesServices.CONTAINER_VIP_MARK + "/" + IptablesServices.CONTAINER_VIP_MARK
                    + " -m physdev --physdev-is-bridged -j RETURN");
            // into a global network, this host's own mesh address, not the gateway every host shares
            for (NetworkRules n : s.networks()) {
                if (n.meshAddress() != null && n.meshAddress().family() == IpFamily.V4 && !n.internal()) {
                    postrouting.add("-o " + n.bridge() + " -m mark --mark " + IptablesServices.MASQUERADE_MARK + "/"
                            + IptablesServices.MASQUERADE_MARK + " -j SNAT --to-source " + n.meshAddress());
                }
            }
            // services' ingress ports and VIPs: replies must come back through the host
            postrouting.add("-m mark --mark " + IptablesServices.MASQUERADE_MARK + "/" + IptablesServices.MASQUERADE_MARK
                    + " -j MASQUERADE");
        }
        for (NetworkRules n : s.networks()) {
            if (!n.internal() && family == IpFamily.V4) {
                postrouting.add("-s 127.0.0.0/8 -o " + n.bridge() + " -j MASQUERADE");
            }
            // a network may have several subnets of a family (CNI range sets): each is masqueraded
            for (IpPrefix subnet : n.subnets(family)) {
                if (!n.internal() && n.hairpin()) {
                    postrouting.add("-s " + subnet + " -o " + n.bridge() + " -m conntrack --ctstate DNAT -j MASQUERADE");
                }
                if (n.masquerades()) {
                    postrouting.add("-s " + subnet + " ! -o " + n.bridge() + " -j MASQUERADE");
                }
            }
        }

        r.put(RAW, family == IpFamily.V4 ? List.of("! -i lo -d 127.0.0.0/8 -j DROP") : List.of());
        r.put(DNAT, dnat);
        r.put(POSTROUTING, postrouting);
        r.put(FORWARD, forward);
        r.put(PUBLISHED, List.copyOf(published));
        r.put(ISOLATION, isolation);
        if (family == IpFamily.V4) {
            r.put(IptablesServices.SERVICES, s.services().stream().map(IptablesServices::jump).toList());
            r.put(IptablesServices.INPUT, s.services().stream().map(IptablesServices::jump).toList());
        }
        return r;
    }

    /** The NETMGR-DNAT rule of {@code p}, as iptables-save shows it after {@code -A NETMGR-DNAT}. */
    static String dnatRule(PublishedPort p) {
        String proto = p.protocol().keyword();
        return p.hostIp().map(ip -> "-d " + host(ip) + " ").orElse("") + "-p " + proto + " -m " + proto + " --dport "
                + p.hostPort() + " -j DNAT --to-destination " + p.containerIp().uriHost() + ":" + p.containerPort();
    }

    /** The NETMGR-PUBLISHED rule letting {@code p}'s DNATed traffic through to the container. */
    static String acceptRule(PublishedPort p) {
        String proto = p.protocol().keyword();
        return "-d " + host(p.containerIp()) + " -p " + proto + " -m " + proto + " --dport " + p.containerPort() + " -j ACCEPT";
    }

    private static void insertJumps(String table, IpFamily family, IptablesSnapshot saved, StringBuilder body) {
        List<Jump> mine = jumps(family).stream().filter(j -> j.table().equals(table)).toList();
        if (table.equals("filter")) {
            // the two FORWARD jumps go in as a pair, so that NETMGR-USER stays first
            List<Jump> forward = mine.stream().filter(j -> j.builtin().equals("FORWARD")).toList();
            if (!forward.stream().allMatch(j -> saved.hasRule(table, j.rule()))) {
                for (Jump j : forward) {
                    if (saved.hasRule(table, j.rule())) {
                        body.append("-D ").append(j.builtin()).append(' ').append(j.spec()).append('\n');
                    }
                }
                for (int i = forward.size() - 1; i >= 0; i--) {
                    body.append("-I ").append(forward.get(i).builtin()).append(" 1 ").append(forward.get(i).spec()).append('\n');
                }
            }
            mine = mine.stream().filter(j -> !j.builtin().equals("FORWARD")).toList();
        }
        for (Jump j : mine) {
            if (!saved.hasRule(table, j.rule())) {
                body.append("-I ").append(j.builtin()).append(" 1 ").append(j.spec()).append('\n');
            }
        }
    }

    private static void teardown(String table, IpFamily family, IptablesSnapshot saved, StringBuilder body) {
        List<String> mine = new ArrayList<>(chains(family).get(table));
        // the user's chain goes only when the user left nothing in it
        boolean userChainGoes = table.equals("filter") && saved.hasChain(table, USER) && saved.ruleCount(table, USER) == 0;
        for (Jump j : jumps(family)) {
            if (j.table().equals(table) && saved.hasRule(table, j.rule())
                    && (!j.target().equals(USER) || userChainGoes)) {
                body.append("-D ").append(j.builtin()).append(' ').append(j.spec()).append('\n');
            }
        }
        if (userChainGoes) {
            mine.add(USER);
        }
        mine.addAll(serviceChains(table, saved));
        List<String> present = mine.stream().filter(c -> saved.hasChain(table, c)).toList();
        for (String chain : present) {
            body.append("-F ").append(chain).append('\n');
        }
        for (String chain : present) {
            body.append("-X ").append(chain).append('\n');
        }
    }

    private static String host(IpAddress ip) {
        return ip + (ip.family() == IpFamily.V4 ? "/32" : "/128");
    }
}
