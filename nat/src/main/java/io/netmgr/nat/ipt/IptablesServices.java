package io.netmgr.nat.ipt;

import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.nat.ServiceMarks;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The iptables rules of one service, in kube-proxy's shape: a chain {@code NETMGR-SVC-<id>} per
 * service in the nat table (reached from {@code NETMGR-SERVICES}) that marks and DNATs a new flow
 * to its VIPs and published ports, one backend chosen per flow by {@code -m statistic --mode
 * random --probability 1/(N-i)} rules (the i-th of N backends takes 1/(N-i) of what the earlier
 * rules left, so each gets 1/N), and a chain of the same name in the filter table (reached from
 * {@code NETMGR-INPUT}) that rejects what reaches a VIP itself: a VIP without backends must not
 * answer with the host's own services. Conntrack keeps each flow on the backend its first packet drew.
 *
 * <p>A change to one service flushes and refills its own two chains in one {@code iptables-restore
 * --noflush}, and adds or deletes its jumps when it comes or goes: other services' chains are not
 * in the script. Services balance IPv4 only, as on nftables.
 */
final class IptablesServices {
    /** The dispatch chains: one jump per service. */
    static final String SERVICES = "NETMGR-SERVICES";
    static final String INPUT = "NETMGR-INPUT";
    static final String CHAIN_PREFIX = "NETMGR-SVC-";
    /** First-packet marks ({@link ServiceMarks}), as iptables writes them. */
    static final String SERVICE_MARK = ServiceMarks.iptables(ServiceMarks.SERVICE_MARK);
    static final String MASQUERADE_MARK = ServiceMarks.iptables(ServiceMarks.MASQUERADE_MARK);
    static final String SERVICE_AND_MASQUERADE = ServiceMarks.iptables(ServiceMarks.SERVICE_AND_MASQUERADE);
    /** A flow to a VIP that needs no source NAT if br_netfilter bridges it to its backend (see the nftables backend). */
    static final String CONTAINER_VIP_MARK = ServiceMarks.iptables(ServiceMarks.CONTAINER_VIP_MARK);
    static final String CONTAINER_VIP = ServiceMarks.iptables(ServiceMarks.CONTAINER_VIP);

    private IptablesServices() {
    }

    /** The service's chain name, in both tables: its id's first 12 characters (23 characters, iptables allows 28). */
    static String chain(ServiceRules s) {
        return CHAIN_PREFIX + s.shortId().toUpperCase(Locale.ROOT);
    }

    /** The jump from a dispatch chain to the service's chain, as iptables-save shows it after {@code -A CHAIN}. */
    static String jump(ServiceRules s) {
        return "-j " + chain(s);
    }

    /** The rules of the service's nat chain (without "-A CHAIN"). */
    static List<String> natRules(ServiceRules s) {
        List<String> rules = new ArrayList<>();
        for (ServiceRules.Vip vip : s.vips()) {
            if (vip.address().family() != IpFamily.V4) {
                continue;
            }
            List<IpAddress> backends = v4(s.backendsOn(vip.networkId()));
            if (backends.isEmpty()) {
                continue; // refused by the service's filter chain
            }
            String match = "-d " + vip.address() + "/32";
            rules.add(match + " -j MARK --set-xmark " + CONTAINER_VIP + "/" + CONTAINER_VIP);
            // one of the VIP's own backends may draw itself, which only source NAT makes work
            for (IpAddress b : backends) {
                rules.add("-s " + b + "/32 " + match + " -j MARK --set-xmark " + SERVICE_AND_MASQUERADE + "/" + CONTAINER_VIP);
            }
            spread(rules, match, backends.stream().map(IpAddress::toString).toList());
        }
        for (ServicePort p : s.ports()) {
            List<IpAddress> backends = v4(s.backendsFor(p.mode()));
            if (backends.isEmpty()) {
                continue; // host mode: only where a backend runs; none anywhere: refused by the host
            }
            String proto = p.protocol().keyword();
            String match = "-p " + proto + " -m " + proto + " --dport " + p.published();
            String mark = p.mode() == PublishMode.INGRESS ? SERVICE_AND_MASQUERADE : SERVICE_MARK;
            rules.add(match + " -j MARK --set-xmark " + mark + "/" + mark);
            spread(rules, match, backends.stream().map(b -> b + ":" + p.target()).toList());
        }
        return rules;
    }

    /**
     * The rules of the service's filter chain: each VIP reaching the host itself is rejected, but
     * not replies: the host's own flow to a VIP has the VIP as its source, so its answers come back to it.
     */
    static List<String> filterRules(ServiceRules s) {
        return s.vips().stream().filter(v -> v.address().family() == IpFamily.V4)
                .map(v -> "-d " + v.address() + "/32 -m conntrack --ctdir ORIGINAL -j REJECT --reject-with icmp-port-unreachable").toList();
    }

    /** One DNAT rule per destination, the i-th of N taking 1/(N-i) of the flows that reach it; the last takes the rest. */
    private static void spread(List<String> rules, String match, List<String> destinations) {
        int n = destinations.size();
        for (int i = 0; i < n; i++) {
            String statistic = i == n - 1 ? "" : " -m statistic --mode random --probability " + probability(n - i);
            rules.add(match + statistic + " -j DNAT --to-destination " + destinations.get(i));
        }
    }

    /** 1/k with 11 decimals, as iptables-save prints it (kube-proxy writes the same). */
    static String probability(int k) {
        return String.format(Locale.ROOT, "%.11f", 1.0 / k);
    }

    private static List<IpAddress> v4(List<ServiceRules.Backend> backends) {
        return backends.stream().map(ServiceRules.Backend::address).filter(a -> a.family() == IpFamily.V4).toList();
    }

    /**
     * The IPv4 restore script that turns service {@code before} into {@code after} (either null
     * for none) and touches nothing else: its two chains declared (which flushes them) and
     * refilled, its jumps added when it is new, or its jumps deleted and its chains removed when it goes.
     */
    static String change(ServiceRules before, ServiceRules after) {
        StringBuilder nat = new StringBuilder();
        StringBuilder filter = new StringBuilder();
        if (after == null) {
            if (before == null) {
                return "";
            }
            remove(nat, SERVICES, before);
            remove(filter, INPUT, before);
        } else {
            fill(nat, after, natRules(after));
            fill(filter, after, filterRules(after));
            if (before == null) {
                nat.append("-A ").append(SERVICES).append(' ').append(jump(after)).append('\n');
                filter.append("-A ").append(INPUT).append(' ').append(jump(after)).append('\n');
            }
        }
        return "*nat\n" + nat + "COMMIT\n*filter\n" + filter + "COMMIT\n";
    }

    /** Declares (flushing) the service's chain and appends {@code rules}. */
    static void fill(StringBuilder out, ServiceRules s, List<String> rules) {
        out.append(':').append(chain(s)).append(" - [0:0]\n");
        for (String r : rules) {
            out.append("-A ").append(chain(s)).append(' ').append(r).append('\n');
        }
    }

    private static void remove(StringBuilder out, String dispatch, ServiceRules s) {
        out.append("-D ").append(dispatch).append(' ').append(jump(s)).append('\n');
        out.append("-F ").append(chain(s)).append('\n');
        out.append("-X ").append(chain(s)).append('\n');
    }
}
