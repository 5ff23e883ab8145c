package io.netmgr.nat;

import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.conntrack.Conntrack;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * ({@link #forgetBackends}): those are matched by their reply source, which the netlink reader
 * here does not decode yet, so that path runs {@code conntrack -D --reply-src} (conntrack-tools).
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
        try (Conntrack conntrack = Conntrack.open(ns)) {
            for (IpFamily family : IpFamily.values()) {
                List<PortMapping> ofFamily = udp.stream().filter(m -> m.family() == family).toList();
                if (!ofFamily.isEmpty()) {
                    conntrack.delete(family, flow -> ofFamily.stream().anyMatch(m -> sentTo(flow, m)));
                }
            }
        } catch (RuntimeException e) {
            if (!failureReported) {
                failureReported = true;
                LOG.log(Level.WARNING, "cannot delete conntrack entries in " + ns + " (" + e.getMessage() + "): UDP flows"
                        + " that began before a port was published keep bypassing it until they go idle");
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
     * (either may be null): those to its VIPs and to its published ports, so a detached backend
     * keeps no UDP flow and no half-open TCP one. Flows to other backends are untouched.
     */
    static void forgetBackends(NetNs ns, ServiceRules before, ServiceRules after) {
        if (before == null) {
            return;
        }
        List<ServiceRules.Backend> kept = after == null ? List.of() : after.backends();
        for (ServiceRules.Backend b : before.backends()) {
            if (kept.stream().anyMatch(k -> k.address().equals(b.address()))) {
                continue;
            }
            String family = b.address().family() == IpFamily.V4 ? "ipv4" : "ipv6";
            for (ServiceRules.Vip v : before.vips()) {
                if (!run(List.of("nsenter", "--net=" + ns.path(), "conntrack", "-D", "-f", family, "--orig-dst",
                        v.address().toString(), "--reply-src", b.address().toString()))) {
                    return;
                }
            }
            for (ServicePort p : before.ports()) {
                run(List.of("nsenter", "--net=" + ns.path(), "conntrack", "-D", "-f", family, "-p", p.protocol().keyword(),
                        "--orig-port-dst", Integer.toString(p.published()), "--reply-src", b.address().toString()));
            }
        }
    }

    /** False when the tool is missing: no point trying the other ports. */
    private static boolean run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes(); // "N flow entries have been deleted"; exit 1 when N is 0
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return true;
        } catch (IOException e) {
            if (!failureReported) {
                failureReported = true;
                LOG.log(Level.WARNING, "cannot run conntrack (" + e.getMessage() + "): flows to a backend taken out of a"
                        + " service stay until they go idle; install conntrack");
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
