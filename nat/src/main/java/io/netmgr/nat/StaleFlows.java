package io.netmgr.nat;

import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.conntrack.Conntrack;
import io.netmgr.netlink.ns.NetNs;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Forgets the UDP conntrack entries of newly published ports. NAT is decided on a flow's first
 * packet, so a UDP flow that began before the port was published (a client retrying every
 * second, say) would keep going to the host, unNATed, for as long as it keeps its entry alive:
 * Docker's and CNI portmap's long-standing UDP bug. TCP needs nothing: a new connection is a new flow.
 *
 * <p>Deletes them through ctnetlink in the host namespace (what {@code conntrack -D -p udp
 * --orig-port-dst PORT} does, without starting a process): one dump of the table per address
 * family for all the ports of a change, one delete per matching entry. A kernel without conntrack's netlink interface is said once
 * and the publish carries on.
 *
 * <p>A backend taken out of a service loses its flows to the service's VIPs and ports too
 * ({@link #forgetBackends}): those are matched by their reply source (what {@code conntrack -D
 * --reply-src} does), through the same netlink handle.
 */
final class StaleFlows {
    private static final System.Logger LOG = System.getLogger(StaleFlows.class.getName());
    private static volatile boolean failureReported;

    private StaleFlows() {
    }

    static void forgetUdp(NetNs ns, List<PortMapping> added) {
        List<PortMapping> udp = added.stream().filter(m -> m.protocol() == Protocol.UDP).toList();
        if (udp.isEmpty()) {
            return;
        }
        delete(ns, udp, PortMapping::family, (flow, m) -> sentTo(flow, m),
                "UDP flows that began before a port was published keep bypassing it until they go idle");
    }

    /**
     * Deletes, through one dump per address family, the flows that {@code matches} pairs with one
     * of {@code items}; a kernel without ctnetlink is said once ({@code otherwise}: what that leaves) and the change carries on.
     */
    private static <T> void delete(NetNs ns, List<T> items, Function<T, IpFamily> familyOf, BiPredicate<Conntrack.Flow, T> matches,
            String otherwise) {
        try (Conntrack conntrack = Conntrack.open(ns)) {
            for (IpFamily family : IpFamily.values()) {
                List<T> ofFamily = items.stream().filter(i -> familyOf.apply(i) == family).toList();
                if (!ofFamily.isEmpty()) {
                    conntrack.delete(family, flow -> ofFamily.stream().anyMatch(i -> matches.test(flow, i)));
                }
            }
        } catch (RuntimeException e) {
            if (!failureReported) {
                failureReported = true;
                LOG.log(Level.WARNING, "cannot delete conntrack entries in " + ns + " (" + e.getMessage() + "): " + otherwise);
            }
        }
    }

    /** True when {@code flow} is UDP to a host port of {@code m} (and its host address, when it has one). */
    private static boolean sentTo(Conntrack.Flow flow, PortMapping m) {
        return flow.protocol() == Conntrack.IPPROTO_UDP && flow.destinationPort() >= m.hostPorts().first()
                && flow.destinationPort() <= m.hostPorts().last() && m.hostIp().map(flow.destination()::equals).orElse(true);
    }

    /**
     * Drops the flows a service sent to backends {@code before} had and {@code after} has not
     * (either may be null): those to its VIPs and to its published ports whose replies come from
     * the backend (the reply tuple's source is the DNAT destination), so a detached backend keeps
     * no UDP flow and no half-open TCP one. Flows to other backends are untouched. One dump of the
     * table per address family for all the gone backends.
     */
    static void forgetBackends(NetNs ns, ServiceRules before, ServiceRules after) {
        if (before == null) {
            return;
        }
        List<ServiceRules.Backend> kept = after == null ? List.of() : after.backends();
        List<IpAddress> gone = before.backends().stream().map(ServiceRules.Backend::address)
                .filter(a -> kept.stream().noneMatch(k -> k.address().equals(a))).distinct().toList();
        if (gone.isEmpty()) {
            return;
        }
        delete(ns, gone, IpAddress::family, (flow, backend) -> flow.repliedBy(backend) && sentToService(flow, before),
                "flows to a backend taken out of a service stay until they go idle");
    }

    /** True when {@code flow} was sent to one of {@code s}'s VIPs or to one of its published ports. */
    private static boolean sentToService(Conntrack.Flow flow, ServiceRules s) {
        return s.vips().stream().anyMatch(v -> v.address().equals(flow.destination()))
                || s.ports().stream().anyMatch(p -> p.published() == flow.destinationPort() && protocolNumber(p) == flow.protocol());
    }

    private static int protocolNumber(ServicePort p) {
        return p.protocol() == Protocol.UDP ? Conntrack.IPPROTO_UDP : Conntrack.IPPROTO_TCP;
    }
}
