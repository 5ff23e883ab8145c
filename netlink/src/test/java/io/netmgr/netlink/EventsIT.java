package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.event.EventSubscription;
import io.netmgr.netlink.event.NetlinkEvent;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The link/address and the neighbour/FDB event subscriptions see what happens in their namespace. */
class EventsIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void seesLinkAndAddressAddedAndRemoved() throws Exception {
        NetNs ns = netns.create("ev");
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        try (NetlinkHandle h = NetlinkHandle.open(ns); EventSubscription sub = h.subscribe(events::add)) {
            h.links().add(Bridge.named("evbr"));
            await(events, e -> e instanceof NetlinkEvent.LinkChanged l && l.link().name().equals("evbr") && !l.removed());
            h.addresses().add("evbr", IpNet.parse("10.3.0.1/24"));
            await(events, e -> e instanceof NetlinkEvent.AddressChanged a && a.address().ip().toString().equals("10.3.0.1/24") && !a.removed());
            h.links().delete("evbr");
            await(events, e -> e instanceof NetlinkEvent.LinkChanged l && l.link().name().equals("evbr") && l.removed());
        }
    }

    @Test
    void theNeighbourSubscriptionSeesFdbAndNeighbourEntriesComeAndGo() throws Exception {
        NetNs ns = netns.create("evn");
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        try (NetlinkHandle h = NetlinkHandle.open(ns); EventSubscription sub = EventSubscription.openNeighbours(ns, events::add)) {
            int vx = h.links().add(Vxlan.of("evvx", 42).withLearning(false)).index();
            MacAddress mac = MacAddress.parse("02:00:00:00:00:ab");
            var remote = IpAddress.parse("192.0.2.9").toInetAddress();
            var ip = IpAddress.parse("10.4.0.9").toInetAddress();
            h.fdb().add(FdbEntry.vxlan(vx, mac, remote));
            await(events, e -> e instanceof NetlinkEvent.FdbChanged f && f.entry().mac().equals(mac) && !f.removed()
                    && remote.equals(f.entry().destination()));
            h.neighbours().set(Neighbour.permanent(vx, ip, mac));
            await(events, e -> e instanceof NetlinkEvent.NeighbourChanged n && ip.equals(n.neighbour().ip()) && !n.removed());
            h.neighbours().delete(Neighbour.permanent(vx, ip, mac));
            await(events, e -> e instanceof NetlinkEvent.NeighbourChanged n && ip.equals(n.neighbour().ip()) && n.removed());
            h.fdb().delete(FdbEntry.vxlan(vx, mac, remote));
            await(events, e -> e instanceof NetlinkEvent.FdbChanged f && f.entry().mac().equals(mac) && f.removed());
        }
    }

    private static void await(LinkedBlockingQueue<NetlinkEvent> q, Predicate<NetlinkEvent> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            NetlinkEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && wanted.test(e)) {
                return;
            }
        }
        throw new AssertionError("expected event did not arrive within 5 s");
    }
}
