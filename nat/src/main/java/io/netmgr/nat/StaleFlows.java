package io.netmgr.nat;

import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forgets the UDP conntrack entries of newly published ports. NAT is decided on a flow's first
 * packet, so a UDP flow that began before the port was published (a client retrying every
 * second, say) would keep going to the host, unNATed, for as long as it keeps its entry alive:
 * Docker's and CNI portmap's long-standing UDP bug. TCP needs nothing: a new connection is a new flow.
 *
 * <p>Runs {@code conntrack -D} (conntrack-tools) in the host namespace, once per port; without
 * the tool it says once what that means and carries on.
 */
final class StaleFlows {
    private static final System.Logger LOG = System.getLogger(StaleFlows.class.getName());
    private static volatile boolean missingToolReported;

    private StaleFlows() {
    }

    static void forgetUdp(NetNs ns, List<PortMapping> added) {
        for (PortMapping m : added) {
            if (m.protocol() != Protocol.UDP) {
                continue;
            }
            for (int port = m.hostPorts().first(); port <= m.hostPorts().last(); port++) {
                List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "conntrack", "-D", "-f",
                        m.family() == IpFamily.V4 ? "ipv4" : "ipv6", "-p", "udp", "--orig-port-dst",
                        Integer.toString(port)));
                m.hostIp().ifPresent(ip -> cmd.addAll(List.of("--orig-dst", ip.toString())));
                if (!run(cmd)) {
                    return;
                }
            }
        }
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
            if (!missingToolReported) {
                missingToolReported = true;
                LOG.log(Level.WARNING, "cannot run conntrack (" + e.getMessage() + "): UDP flows that began before a"
                        + " port was published keep bypassing it until they go idle; install conntrack");
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
