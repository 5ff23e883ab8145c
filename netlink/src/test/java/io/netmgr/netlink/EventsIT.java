package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.event.EventSubscription;
import io.netmgr.netlink.event.NetlinkEvent;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The link/address event subscription sees what happens in its namespace. */
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
