package io.netmgr.drivers.bridge;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.Bandwidth;
import io.netmgr.core.endpoint.TrafficLimit;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.qdisc.Qdisc;
import io.netmgr.netlink.qdisc.Tbf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An endpoint's bandwidth on its veth pair. A qdisc shapes what a device sends, so traffic into
 * the sandbox is shaped by a tbf on the host end, and traffic out of it by one on the sandbox's
 * own interface, inside its namespace (a container with CAP_NET_ADMIN could remove that one;
 * the reconciler puts it back). Both go when the veth is deleted.
 */
final class VethShaping {
    private final NetlinkHandle host;
    private final String hostSide;
    private final NetlinkHandle sandbox;
    private final String sandboxSide;
    private final String sandboxPlace;

    /** {@code sandboxPath} names the sandbox in messages. */
    VethShaping(NetlinkHandle host, String hostSide, NetlinkHandle sandbox, String sandboxSide, Path sandboxPath) {
        this.host = host;
        this.hostSide = hostSide;
        this.sandbox = sandbox;
        this.sandboxSide = sandboxSide;
        this.sandboxPlace = sandboxSide + " in " + sandboxPath;
    }

    /** Puts the tbfs of {@code bandwidth} in place, replacing whatever root qdisc was there. */
    void apply(Bandwidth bandwidth) {
        bandwidth.ingressLimit().ifPresent(l -> apply(host, hostSide, "ingress", l));
        bandwidth.egressLimit().ifPresent(l -> apply(sandbox, sandboxSide, "egress", l));
    }

    /** What differs from {@code bandwidth}, one line each. */
    List<String> drift(Bandwidth bandwidth) {
        List<String> drift = new ArrayList<>();
        bandwidth.ingressLimit().flatMap(l -> drift(host, hostSide, "host interface " + hostSide, l.describe("ingress"), l))
                .ifPresent(drift::add);
        bandwidth.egressLimit().flatMap(l -> drift(sandbox, sandboxSide, sandboxPlace, l.describe("egress"), l))
                .ifPresent(drift::add);
        return drift;
    }

    /** Puts back each tbf that drifted; returns one line per repair. */
    List<String> repair(Bandwidth bandwidth, String endpointName) {
        List<String> done = new ArrayList<>();
        bandwidth.ingressLimit().filter(l -> drift(host, hostSide, hostSide, "", l).isPresent()).ifPresent(l -> {
            apply(host, hostSide, "ingress", l);
            done.add("restored " + l.describe("ingress") + " of endpoint " + endpointName + " on " + hostSide);
        });
        bandwidth.egressLimit().filter(l -> drift(sandbox, sandboxSide, sandboxSide, "", l).isPresent()).ifPresent(l -> {
            apply(sandbox, sandboxSide, "egress", l);
            done.add("restored " + l.describe("egress") + " of endpoint " + endpointName + " on " + sandboxPlace);
        });
        return done;
    }

    private static void apply(NetlinkHandle netlink, String ifName, String direction, TrafficLimit limit) {
        Link link = netlink.links().get(ifName);
        Tbf tbf = limit.tbf();
        int mtu = link.attrs().mtu();
        if (tbf.burstBytes() < mtu) {
            throw NetmgrException.invalid(direction + " burst " + limit.burstBits() + " bits (" + tbf.burstBytes()
                    + " bytes) is less than the MTU of " + ifName + " (" + mtu + " bytes): tbf could never send a full-size packet;"
                    + " give at least " + mtu * 8L + " bits");
        }
        netlink.qdiscs().replaceRoot(link.index(), tbf);
    }

    private static Optional<String> drift(NetlinkHandle netlink, String ifName, String where, String what, TrafficLimit limit) {
        Optional<Link> link = netlink.links().find(ifName);
        if (link.isEmpty()) {
            return Optional.empty(); // the missing interface is reported by itself
        }
        Optional<Qdisc> root = netlink.qdiscs().root(link.get().index());
        Tbf expected = limit.tbf();
        if (root.isPresent() && root.get().discipline() instanceof Tbf actual) {
            return actual.sameAs(expected) ? Optional.empty() : Optional.of(what + " on " + where + " is " + actual + ", expected " + expected);
        }
        return Optional.of(what + " is missing: the root qdisc of " + where + " is " + root.map(Qdisc::kind).orElse("none") + ", not tbf");
    }
}
