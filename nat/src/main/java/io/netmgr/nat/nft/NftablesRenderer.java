package io.netmgr.nat.nft;

import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.nat.PublishedPort;
import io.netmgr.nat.ServiceMarks;
import io.netmgr.nat.nft.NftRuleset.Element;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a {@link FirewallState} as nft script: a pure function, checked by golden files.
 *
 * <p>Everything lives in one table, {@code inet netmgr}, which netmgr creates, replaces and
 * deletes as a whole and which holds nobody else's rules. Its shape follows kube-proxy's nftables
 * mode: the base chains never change and dispatch through verdict maps keyed by bridge name, and
 * published ports are elements of DNAT maps. So a packet costs one map lookup per hook whatever
 * the number of networks and ports, and adding a port or a network adds elements (and a network's
 * own chains) instead of rewriting rules.
 *
 * <p>Per network (bridge {@code B}):
 * <ul>
 *   <li>{@code fwd-in__B}, traffic forwarded into the bridge: replies, then DNATed traffic to a
 *   published port, then traffic from the bridge itself (icc), and nothing else: neither other
 *   networks (isolation) nor routed traffic to a container address (Docker 28's rule: unpublished
 *   ports are not reachable by routing to the container);</li>
 *   <li>{@code fwd-out__B}, traffic leaving the bridge for the outside: accepted, or dropped for
 *   an internal network;</li>
 *   <li>{@code snat-in__B}: masquerade 127.0.0.1 sources (the host reaching a port published on
 *   localhost) and hairpin traffic (a container of the subnet reaching a published port through
 *   the host), whose replies would otherwise skip the reverse NAT;</li>
 *   <li>{@code snat-out__B}: masquerade the subnet's traffic to the outside.</li>
 * </ul>
 * icc=false relies on the bridge handing its frames to the IP hooks (br_netfilter, switched on by
 * the backends), as Docker's does: the bridge family cannot match a bridge by name on our kernels.
 */
public final class NftablesRenderer {
    /** The table, as nft commands name it. */
    public static final String TABLE = "inet netmgr";

    static final String FWD_IN_JUMPS = "fwd-in-jumps";
    static final String FWD_OUT_JUMPS = "fwd-out-jumps";
    static final String SNAT_IN_JUMPS = "snat-in-jumps";
    static final String SNAT_OUT_JUMPS = "snat-out-jumps";
    static final String NO_HAIRPIN = "no-hairpin";
    static final String PUBLISHED4_ADDR = "published4-addr";
    static final String PUBLISHED4_ANY = "published4-any";
    static final String PUBLISHED6_ADDR = "published6-addr";
    static final String PUBLISHED6_ANY = "published6-any";
    static final String BACKENDS4 = "backends4";
    static final String BACKENDS6 = "backends6";
    static final String VIP_ADDRS4 = "vip-addrs4";
    static final String BALANCED_VIPS4 = "balanced-vips4";
    static final String VIP_BUCKETS4 = "vip-buckets4";
    static final String VIP_BACKENDS4 = "vip-backends4";
    static final String INGRESS_PORTS = "ingress-ports";
    static final String HOST_PORTS = "host-ports";
    static final String PORT_BUCKETS = "port-buckets";
    static final String MESH_SNAT4 = "mesh-snat4";
    /**
     * Buckets per VIP and per published port: {@code numgen random mod 64} picks one, and each
     * holds a backend (bucket b the (b mod N)th of N), so the modulus never changes and a backend
     * change is element changes alone. 64 spread 3 backends 22/21/21 and 10 backends 7 or 6 each.
     */
    static final int BUCKETS = 64;
    /** Packet mark bits of a service's first packet ({@link ServiceMarks}), as nft writes them. */
    static final String SERVICE_MARK = ServiceMarks.nft(ServiceMarks.SERVICE_MARK);
    static final String MASQUERADE_MARK = ServiceMarks.nft(ServiceMarks.MASQUERADE_MARK);
    static final String SERVICE_AND_MASQUERADE = ServiceMarks.nft(ServiceMarks.SERVICE_AND_MASQUERADE);
    static final String CONTAINER_VIP_MARK = ServiceMarks.nft(ServiceMarks.CONTAINER_VIP_MARK);
    static final String CONTAINER_VIP = ServiceMarks.nft(ServiceMarks.CONTAINER_VIP);

    /** A bucket drawn for a flow's first packet, and a VIP's DNAT to the backend in it. */
    private static final String PICK = "numgen random mod " + BUCKETS;
    private static final String VIP_DNAT = "dnat ip to ip daddr . " + PICK + " map @" + VIP_BUCKETS4;

    /** Sets and maps, with their types: declared once, only their elements change. */
    private static final Map<String, String> SETS = new LinkedHashMap<>();
    /** Base chains, with their hooks: their rules never change. */
    private static final Map<String, String> BASE_CHAINS = new LinkedHashMap<>();
    private static final Map<String, List<String>> BASE_RULES = new LinkedHashMap<>();

    static {
        SETS.put(FWD_IN_JUMPS, "type ifname : verdict");
        SETS.put(FWD_OUT_JUMPS, "type ifname : verdict");
        SETS.put(SNAT_IN_JUMPS, "type ifname : verdict");
        SETS.put(SNAT_OUT_JUMPS, "type ifname : verdict");
        SETS.put(NO_HAIRPIN, "type ifname");
        SETS.put(PUBLISHED4_ADDR, "type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service");
        SETS.put(PUBLISHED4_ANY, "type inet_proto . inet_service : ipv4_addr . inet_service");
        SETS.put(PUBLISHED6_ADDR, "type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service");
        SETS.put(PUBLISHED6_ANY, "type inet_proto . inet_service : ipv6_addr . inet_service");
        SETS.put(BACKENDS4, "type ipv4_addr . inet_proto . inet_service");
        SETS.put(BACKENDS6, "type ipv6_addr . inet_proto . inet_service");
        SETS.put(VIP_ADDRS4, "type ipv4_addr");
        SETS.put(BALANCED_VIPS4, "type ipv4_addr");
        SETS.put(VIP_BUCKETS4, "typeof ip daddr . numgen random mod " + BUCKETS + " : ip daddr");
        SETS.put(VIP_BACKENDS4, "type ipv4_addr . ipv4_addr");
        SETS.put(INGRESS_PORTS, "type inet_proto . inet_service");
        SETS.put(HOST_PORTS, "type inet_proto . inet_service");
        SETS.put(PORT_BUCKETS, "typeof meta l4proto . th dport . numgen random mod " + BUCKETS + " : ip daddr . th dport");
        SETS.put(MESH_SNAT4, "type ifname : ipv4_addr");

        base("filter-FORWARD", "type filter hook forward priority filter; policy accept;",
                "oifname vmap @" + FWD_IN_JUMPS,
                "iifname vmap @" + FWD_OUT_JUMPS);
        // nat's output hook takes no "dstnat" keyword in nft 1.0.6: -100 is its value
        base("nat-OUTPUT", "type nat hook output priority -100; policy accept;",
                "jump services",
                "fib daddr type local jump published");
        // A container's VIP flow bridged to its backend by br_netfilter reaches postrouting without
        // an input interface and keeps its source; a routed one (br_netfilter off) has one and is
        // source-NATed, as are ingress flows: every host's overlay bridge holds the same gateway, so
        // into one they take this host's own mesh address, for a backend on another host to reply here.
        base("nat-POSTROUTING", "type nat hook postrouting priority srcnat; policy accept;",
                "meta mark & " + CONTAINER_VIP_MARK + " == " + CONTAINER_VIP_MARK + " iif 0 accept"
                        + " comment \"VIP flow bridged to its backend: replies are un-NATed on the bridge\"",
                "meta mark & " + MASQUERADE_MARK + " == " + MASQUERADE_MARK + " snat ip to oifname map @" + MESH_SNAT4
                        + " comment \"services across hosts: this host's mesh address\"",
                "meta mark & " + MASQUERADE_MARK + " == " + MASQUERADE_MARK + " masquerade comment \"services: ingress, VIP\"",
                "oifname vmap @" + SNAT_IN_JUMPS,
                "iifname vmap @" + SNAT_OUT_JUMPS);
        // a container's flow to a VIP, unless it comes from one of that VIP's own backends, which may
        // draw itself and then needs source NAT ("services" marks those, and the host's own flows)
        base("nat-PREROUTING", "type nat hook prerouting priority dstnat; policy accept;",
                "ip daddr @" + BALANCED_VIPS4 + " ip daddr . ip saddr != @" + VIP_BACKENDS4 + " meta mark set meta mark or "
                        + CONTAINER_VIP + " " + VIP_DNAT,
                "jump services",
                "fib daddr type local jump published");
        // a virtual IP without backends, or a port it does not balance, is refused rather than
        // reaching the host's own services through the VIP address on the bridge; replies are let
        // in: the host's own flow to a VIP has the VIP as its source (the kernel's choice for a
        // local destination), so its answers come back to the VIP
        base("filter-INPUT", "type filter hook input priority filter; policy accept;",
                "ct direction original ip daddr @" + VIP_ADDRS4 + " reject comment \"service VIP without backend\"");
        // Ports published on 127.0.0.1 need route_localnet on the bridges, which would also let
        // a container reach the host's localhost services (CVE-2020-8558): only lo may send to 127/8.
        base("raw-PREROUTING", "type filter hook prerouting priority raw; policy accept;",
                "iifname != \"lo\" ip daddr 127.0.0.0/8 drop comment \"remote loopback\"");
        BASE_RULES.put("services", List.of(
                "ip daddr @" + BALANCED_VIPS4 + " meta mark set meta mark or " + SERVICE_AND_MASQUERADE
                        + " " + VIP_DNAT,
                "fib daddr type local meta l4proto . th dport @" + INGRESS_PORTS + " meta mark set meta mark or "
                        + SERVICE_AND_MASQUERADE + " goto service-dnat",
                "fib daddr type local meta l4proto . th dport @" + HOST_PORTS + " meta mark set meta mark or " + SERVICE_MARK
                        + " goto service-dnat"));
        // a port mapping needs its protocol matched first
        BASE_RULES.put("service-dnat", List.of(
                "meta l4proto tcp dnat ip to meta l4proto . th dport . " + PICK + " map @" + PORT_BUCKETS,
                "meta l4proto udp dnat ip to meta l4proto . th dport . " + PICK + " map @" + PORT_BUCKETS));
        BASE_RULES.put("published", List.of(
                "iifname @" + NO_HAIRPIN + " return",
                // an address-specific mapping wins over one on every address
                "dnat ip to ip daddr . meta l4proto . th dport map @" + PUBLISHED4_ADDR,
                "meta nfproto ipv4 dnat ip to meta l4proto . th dport map @" + PUBLISHED4_ANY,
                "dnat ip6 to ip6 daddr . meta l4proto . th dport map @" + PUBLISHED6_ADDR,
                "meta nfproto ipv6 dnat ip6 to meta l4proto . th dport map @" + PUBLISHED6_ANY));
    }

    private NftablesRenderer() {
    }

    private static void base(String name, String hook, String... rules) {
        BASE_CHAINS.put(name, hook);
        BASE_RULES.put(name, List.of(rules));
    }

    /** The ruleset {@code state} needs; empty (no chains at all) for the empty state. */
    public static NftRuleset ruleset(FirewallState state) {
        TreeMap<String, List<String>> chains = new TreeMap<>();
        TreeMap<String, SortedSet<Element>> elements = new TreeMap<>();
        if (state.isEmpty()) {
            return new NftRuleset(chains, elements);
        }
        chains.putAll(BASE_RULES);
        SETS.keySet().forEach(s -> elements.put(s, new TreeSet<>()));
        for (NetworkRules n : state.networks()) {
            network(n, chains, elements);
        }
        for (PublishedPort p : PublishedPort.of(state.ports())) {
            port(p, elements);
        }
        for (ServiceRules s : state.services()) {
            service(s, elements);
        }
        return new NftRuleset(chains, elements);
    }

    /**
     * The elements of one service alone; services have no chains of their own, so a service
     * added, changed or removed is element changes only, whatever the number of services (nft
     * reads every chain of the table before each command, so per-service chains would make each
     * change cost grow with the services). Each VIP with backends is in {@value #BALANCED_VIPS4}
     * and has {@value #BUCKETS} buckets in {@value #VIP_BUCKETS4}; each published port with
     * backends is in {@value #INGRESS_PORTS} or {@value #HOST_PORTS} and has its buckets in
     * {@value #PORT_BUCKETS}. Conntrack keeps each flow on the backend its first packet drew.
     */
    public static NftRuleset service(ServiceRules s) {
        TreeMap<String, SortedSet<Element>> elements = new TreeMap<>();
        SETS.keySet().forEach(set -> elements.put(set, new TreeSet<>()));
        service(s, elements);
        return new NftRuleset(new TreeMap<>(), elements);
    }

    /** The commands that turn service {@code before} into {@code after} (either null for none), nothing else. */
    public static String serviceChange(ServiceRules before, ServiceRules after) {
        NftRuleset empty = new NftRuleset(new TreeMap<>(), new TreeMap<>());
        return changes(before == null ? empty : service(before), after == null ? empty : service(after));
    }

    private static void service(ServiceRules s, Map<String, SortedSet<Element>> elements) {
        for (ServiceRules.Vip vip : s.vips()) {
            if (vip.address().family() != IpFamily.V4) {
                continue; // services balance IPv4 only; the controller grants IPv4 VIPs only
            }
            elements.get(VIP_ADDRS4).add(new Element(vip.address().toString(), null));
            List<IpAddress> backends = v4(s.backendsOn(vip.networkId()));
            if (!backends.isEmpty()) {
                elements.get(BALANCED_VIPS4).add(new Element(vip.address().toString(), null));
                for (int b = 0; b < BUCKETS; b++) {
                    elements.get(VIP_BUCKETS4).add(new Element(vip.address() + " . " + b, backends.get(b % backends.size()).toString()));
                }
                for (IpAddress backend : backends) {
                    elements.get(VIP_BACKENDS4).add(new Element(vip.address() + " . " + backend, null));
                }
            }
        }
        for (ServicePort p : s.ports()) {
            List<IpAddress> backends = v4(s.backendsFor(p.mode()));
            if (backends.isEmpty()) {
                continue; // host mode: only where a backend runs; none anywhere: refused by the host
            }
            String key = p.protocol().keyword() + " . " + p.published();
            elements.get(p.mode() == PublishMode.INGRESS ? INGRESS_PORTS : HOST_PORTS).add(new Element(key, null));
            for (int b = 0; b < BUCKETS; b++) {
                elements.get(PORT_BUCKETS).add(new Element(key + " . " + b, backends.get(b % backends.size()) + " . " + p.target()));
            }
        }
    }

    private static List<IpAddress> v4(List<ServiceRules.Backend> backends) {
        return backends.stream().map(ServiceRules.Backend::address).filter(a -> a.family() == IpFamily.V4).toList();
    }

    /** A script that replaces whatever netmgr's table holds with {@code ruleset}, in one transaction. */
    public static String full(NftRuleset ruleset) {
        StringBuilder out = new StringBuilder();
        // "add" first so that "delete" never fails on a table that is not there
        out.append("add table ").append(TABLE).append('\n');
        out.append("delete table ").append(TABLE).append('\n');
        if (ruleset.chains().isEmpty()) {
            return out.toString();
        }
        out.append("table ").append(TABLE).append(" {\n");
        for (Map.Entry<String, String> set : SETS.entrySet()) {
            out.append("\t").append(set.getValue().contains(" : ") ? "map " : "set ").append(set.getKey()).append(" {\n");
            out.append("\t\t").append(set.getValue()).append('\n');
            SortedSet<Element> elems = ruleset.elements(set.getKey());
            if (!elems.isEmpty()) {
                out.append("\t\telements = { ");
                appendElements(out, elems, true, ",\n\t\t\t     ");
                out.append(" }\n");
            }
            out.append("\t}\n\n");
        }
        for (Map.Entry<String, List<String>> chain : ruleset.chains().entrySet()) {
            out.append("\tchain ").append(chain.getKey()).append(" {\n");
            String hook = BASE_CHAINS.get(chain.getKey());
            if (hook != null) {
                out.append("\t\t").append(hook).append('\n');
            }
            for (String rule : chain.getValue()) {
                out.append("\t\t").append(rule).append('\n');
            }
            out.append("\t}\n");
            if (!chain.getKey().equals(ruleset.chains().lastKey())) {
                out.append('\n');
            }
        }
        out.append("}\n");
        return out.toString();
    }

    /**
     * A script that turns {@code from} (what the kernel has) into {@code to}, touching only what
     * differs: elements deleted and added, a network's chains added, rewritten or deleted.
     */
    public static String diff(NftRuleset from, NftRuleset to) {
        if (from.chains().isEmpty() || to.chains().isEmpty()) {
            return from.equals(to) ? "" : full(to);
        }
        return changes(from, to);
    }

    /** The commands between two parts of the table (the whole, or one service's), which the table holds already. */
    private static String changes(NftRuleset from, NftRuleset to) {
        StringBuilder out = new StringBuilder();
        // elements first: a chain can only go once no verdict map jumps to it
        Map<String, TreeSet<Element>> gone = new LinkedHashMap<>();
        Map<String, TreeSet<Element>> added = new LinkedHashMap<>();
        for (String set : SETS.keySet()) {
            TreeSet<Element> g = new TreeSet<>(from.elements(set));
            g.removeAll(to.elements(set));
            gone.put(set, g);
            TreeSet<Element> a = new TreeSet<>(to.elements(set));
            a.removeAll(from.elements(set));
            added.put(set, a);
        }
        appendElementCommands(out, "delete", gone, false);
        for (String chain : from.chains().keySet()) {
            if (!to.chains().containsKey(chain)) {
                out.append("flush chain ").append(TABLE).append(' ').append(chain).append('\n');
                out.append("delete chain ").append(TABLE).append(' ').append(chain).append('\n');
            }
        }
        for (Map.Entry<String, List<String>> chain : to.chains().entrySet()) {
            List<String> before = from.chains().get(chain.getKey());
            if (chain.getValue().equals(before)) {
                continue;
            }
            if (before == null) {
                out.append("add chain ").append(TABLE).append(' ').append(chain.getKey()).append('\n');
            } else {
                out.append("flush chain ").append(TABLE).append(' ').append(chain.getKey()).append('\n');
            }
            for (String rule : chain.getValue()) {
                out.append("add rule ").append(TABLE).append(' ').append(chain.getKey()).append(' ').append(rule)
                        .append('\n');
            }
        }
        appendElementCommands(out, "add", added, true);
        return out.toString();
    }

    /** The names of netmgr's sets and maps, each always present while the table is. */
    static Iterable<String> setNames() {
        return SETS.keySet();
    }

    private static void appendElements(StringBuilder out, SortedSet<Element> elems, boolean withValues, String sep) {
        boolean first = true;
        for (Element e : elems) {
            if (!first) {
                out.append(sep);
            }
            first = false;
            out.append(withValues ? e.toString() : e.key());
        }
    }

    private static void network(NetworkRules n, Map<String, List<String>> chains, Map<String, SortedSet<Element>> elements) {
        String b = n.bridge();
        String quoted = "\"" + b + "\"";
        String fwdIn = "fwd-in__" + b;
        String fwdOut = "fwd-out__" + b;
        String snatIn = "snat-in__" + b;
        String snatOut = "snat-out__" + b;
        boolean v4 = !n.subnets(IpFamily.V4).isEmpty();
        boolean v6 = !n.subnets(IpFamily.V6).isEmpty();

        List<String> in = new ArrayList<>();
        in.add("ct state established,related accept");
        if (!n.internal()) {
            if (v4) {
                in.add("ct status dnat ip daddr . meta l4proto . th dport @" + BACKENDS4 + " accept");
            }
            if (v6) {
                in.add("ct status dnat ip6 daddr . meta l4proto . th dport @" + BACKENDS6 + " accept");
            }
        }
        // a container's flow to a VIP of this network comes from this bridge (bridged, or routed
        // by the host when br_netfilter is off): from another network it is isolation's to refuse
        in.add("meta mark & " + CONTAINER_VIP_MARK + " == " + CONTAINER_VIP_MARK + " iifname != " + quoted
                + " drop comment \"a VIP of this network, from another\"");
        if (!n.internal()) {
            in.add("meta mark & " + SERVICE_MARK + " == " + SERVICE_MARK + " accept comment \"service backends\"");
        }
        in.add("iifname " + quoted + (n.icc() ? " accept" : " drop comment \"icc=false\""));
        in.add("drop comment \"other networks, unpublished ports\"");
        chains.put(fwdIn, in);

        chains.put(fwdOut, List.of(n.internal() ? "drop comment \"internal network\"" : "accept"));

        List<String> snatInRules = new ArrayList<>();
        if (!n.internal()) {
            if (v4) {
                snatInRules.add("ip saddr 127.0.0.0/8 masquerade comment \"published on localhost\"");
            }
            if (n.hairpin()) {
                // by source subnet, not iifname: a hairpin frame bridged by br_netfilter reaches
                // postrouting without an input interface
                for (IpPrefix s : n.subnets()) {
                    snatInRules.add((s.family() == IpFamily.V4 ? "ip" : "ip6") + " saddr " + s
                            + " ct status dnat masquerade comment \"hairpin\"");
                }
            }
        }
        chains.put(snatIn, snatInRules);

        List<String> snatOutRules = new ArrayList<>();
        if (n.masquerades()) {
            for (IpPrefix s : n.subnets()) {
                snatOutRules.add("oifname != " + quoted + (s.family() == IpFamily.V4 ? " ip" : " ip6") + " saddr " + s
                        + " masquerade");
            }
        }
        chains.put(snatOut, snatOutRules);

        elements.get(FWD_IN_JUMPS).add(new Element(quoted, "jump " + fwdIn));
        elements.get(FWD_OUT_JUMPS).add(new Element(quoted, "jump " + fwdOut));
        elements.get(SNAT_IN_JUMPS).add(new Element(quoted, "jump " + snatIn));
        elements.get(SNAT_OUT_JUMPS).add(new Element(quoted, "jump " + snatOut));
        if (!n.hairpin()) {
            elements.get(NO_HAIRPIN).add(new Element(quoted, null));
        }
        if (n.meshAddress() != null && n.meshAddress().family() == IpFamily.V4 && !n.internal()) {
            elements.get(MESH_SNAT4).add(new Element(quoted, n.meshAddress().toString()));
        }
    }

    /** The chains a packet to a published port passes through to reach the DNAT maps, with their rule counts. */
    static Map<String, Integer> portLookupChains() {
        Map<String, Integer> chains = new LinkedHashMap<>();
        for (String chain : List.of("nat-PREROUTING", "nat-OUTPUT", "published")) {
            chains.put(chain, BASE_RULES.get(chain).size());
        }
        return chains;
    }

    /** One element a published port puts in a map or set; {@code shared} when other ports may put it there too. */
    public record PortElement(String set, Element element, boolean shared) {
    }

    /** The elements of one published port: its DNAT map entry, and its backend (shared by ports to one container port). */
    public static List<PortElement> portElements(PublishedPort p) {
        boolean v4 = p.family() == IpFamily.V4;
        String service = p.protocol().keyword() + " . " + p.hostPort();
        String target = p.containerIp() + " . " + p.containerPort();
        PortElement dnat = p.hostIp().isPresent()
                ? new PortElement(v4 ? PUBLISHED4_ADDR : PUBLISHED6_ADDR, new Element(p.hostIp().get() + " . " + service, target), false)
                : new PortElement(v4 ? PUBLISHED4_ANY : PUBLISHED6_ANY, new Element(service, target), false);
        PortElement backend = new PortElement(v4 ? BACKENDS4 : BACKENDS6,
                new Element(p.containerIp() + " . " + p.protocol().keyword() + " . " + p.containerPort(), null), true);
        return List.of(dnat, backend);
    }

    /**
     * The commands that delete {@code gone} and add {@code added} elements, set by set: deletions
     * first, so that a key can change its value in one transaction.
     */
    public static String elementChanges(Map<String, ? extends Collection<Element>> gone,
            Map<String, ? extends Collection<Element>> added) {
        StringBuilder out = new StringBuilder();
        appendElementCommands(out, "delete", gone, false);
        appendElementCommands(out, "add", added, true);
        return out.toString();
    }

    private static void appendElementCommands(StringBuilder out, String verb, Map<String, ? extends Collection<Element>> bySet,
            boolean withValues) {
        for (String set : SETS.keySet()) {
            Collection<Element> elems = bySet.get(set);
            if (elems != null && !elems.isEmpty()) {
                out.append(verb).append(" element ").append(TABLE).append(' ').append(set).append(" { ");
                appendElements(out, new TreeSet<>(elems), withValues, ", ");
                out.append(" }\n");
            }
        }
    }

    private static void port(PublishedPort p, Map<String, SortedSet<Element>> elements) {
        for (PortElement e : portElements(p)) {
            elements.get(e.set()).add(e.element());
        }
    }
}
