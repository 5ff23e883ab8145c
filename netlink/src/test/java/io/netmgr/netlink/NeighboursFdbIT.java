package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.bridge;
import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Permanent neighbours and bridge FDB entries, checked with {@code ip -j neigh} and {@code bridge -j fdb}. */
class NeighboursFdbIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void permanentNeighbourAddedListedDeleted() {
        NetNs ns = netns.create("neigh");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("n0", "n0p"));
            int n0 = h.links().get("n0").index();
            MacAddress mac = MacAddress.parse("02:00:00:00:aa:01");
            h.neighbours().set(Neighbour.permanent(n0, IpAddress.parse("10.7.0.9").toInetAddress(), mac));
            h.neighbours().set(Neighbour.permanent(n0, IpAddress.parse("fd00:7::9").toInetAddress(), mac));

            var shown = ip(ns, "neigh", "show", "dev", "n0");
            assertThat(shown.toString()).contains("\"dst\":\"10.7.0.9\"", "\"lladdr\":\"02:00:00:00:aa:01\"", "PERMANENT", "fd00:7::9");
            assertThat(h.neighbours().list(n0)).extracting(n -> n.ip().getHostAddress()).contains("10.7.0.9");
            assertThat(h.neighbours().list(n0)).allMatch(Neighbour::isPermanent);

            h.neighbours().delete(Neighbour.permanent(n0, IpAddress.parse("10.7.0.9").toInetAddress(), mac));
            assertThat(ip(ns, "neigh", "show", "dev", "n0").toString()).doesNotContain("10.7.0.9");
        }
    }

    @Test
    void vxlanFdbEntriesWithDestinationAndFloodEntries() {
        NetNs ns = netns.create("fdb");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Vxlan.of("vx1", 100).withLearning(false));
            int vx = h.links().get("vx1").index();
            MacAddress mac = MacAddress.parse("02:00:00:00:bb:02");
            h.fdb().add(FdbEntry.vxlan(vx, mac, IpAddress.parse("192.0.2.20").toInetAddress()));
            h.fdb().add(FdbEntry.vxlan(vx, FdbEntry.FLOOD, IpAddress.parse("192.0.2.20").toInetAddress()));
            h.fdb().add(FdbEntry.vxlan(vx, FdbEntry.FLOOD, IpAddress.parse("192.0.2.21").toInetAddress()));

            String shown = bridge(ns, "fdb", "show", "dev", "vx1").toString();
            assertThat(shown).contains("\"mac\":\"02:00:00:00:bb:02\",\"dst\":\"192.0.2.20\"")
                    .contains("\"dst\":\"192.0.2.21\"");
            assertThat(h.fdb().list(vx)).filteredOn(FdbEntry::isFlood).hasSize(2);
            assertThat(h.fdb().list(vx)).anyMatch(e -> e.mac().equals(mac) && e.self()
                    && e.destination().getHostAddress().equals("192.0.2.20"));

            h.fdb().delete(FdbEntry.vxlan(vx, mac, IpAddress.parse("192.0.2.20").toInetAddress()));
            assertThat(bridge(ns, "fdb", "show", "dev", "vx1").toString()).doesNotContain("02:00:00:00:bb:02");
        }
    }

    @Test
    void masterFdbEntryInBridge() {
        NetNs ns = netns.create("fdbm");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(io.netmgr.netlink.link.Bridge.named("br0"));
            h.links().add(Veth.pair("p0", "p0p"));
            h.links().setMaster("p0", "br0");
            int p0 = h.links().get("p0").index();
            MacAddress mac = MacAddress.parse("02:00:00:00:cc:03");
            h.fdb().add(FdbEntry.bridge(p0, mac));
            assertThat(bridge(ns, "fdb", "show", "dev", "p0").toString()).contains("02:00:00:00:cc:03", "\"master\":\"br0\"");
            assertThat(h.fdb().list(p0)).anyMatch(e -> e.mac().equals(mac) && e.master());
        }
    }
}
