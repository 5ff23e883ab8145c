package io.netmgr.cni.command;

import io.netmgr.cni.config.Bandwidth;
import io.netmgr.cni.config.ConfObject;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.qdisc.Qdisc;
import io.netmgr.netlink.qdisc.Tbf;
import java.util.Optional;

/**
 * Puts and checks the tbf of one direction of the bandwidth capability. A qdisc shapes what a
 * device sends, so traffic into the container is shaped on the host end of its veth, and
 * traffic out of it on the container's own interface, inside its namespace (see README: a
 * container with CAP_NET_ADMIN could remove that one). Both go when the veth is deleted.
 */
final class TrafficShaping {
    private TrafficShaping() {
    }

    /** Puts {@code s}'s tbf on the egress of {@code ifName} in {@code netlink}'s namespace. */
    static void apply(NetlinkHandle netlink, String ifName, Bandwidth.Shaping s) {
        Link link = netlink.links().get(ifName);
        Tbf tbf = s.tbf();
        int mtu = link.attrs().mtu();
        if (tbf.burstBytes() < mtu) {
            throw ConfObject.invalid(s.burstField() + " " + s.burstBits() + " bits (" + tbf.burstBytes() + " bytes) is less than the MTU of "
                    + ifName + " (" + mtu + " bytes): tbf could never send a full-size packet; give at least " + mtu * 8L + " bits");
        }
        netlink.qdiscs().replaceRoot(link.index(), tbf);
    }

    /** What differs from {@code s} on {@code ifName}, for CHECK; empty when the tbf is as ADD put it. */
    static Optional<String> drift(NetlinkHandle netlink, String ifName, String where, Bandwidth.Shaping s) {
        Optional<Link> link = netlink.links().find(ifName);
        if (link.isEmpty()) {
            return Optional.empty(); // the missing interface is reported by itself
        }
        Optional<Qdisc> root = netlink.qdiscs().root(link.get().index());
        Tbf expected = s.tbf();
        if (root.isPresent() && root.get().discipline() instanceof Tbf actual) {
            return actual.sameAs(expected) ? Optional.empty()
                    : Optional.of(s.describe() + " on " + where + " is " + actual + ", expected " + expected);
        }
        return Optional.of(s.describe() + " is missing: the root qdisc of " + where + " is "
                + root.map(Qdisc::kind).orElse("none") + ", not tbf");
    }
}
