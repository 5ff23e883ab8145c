package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.bridge;
import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.Fdb;
import io.netmgr.netlink.rt.Neighbours;
import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.testing.TestNamespaces;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Thousands of FDB and neighbour entries programmed in batches, checked with {@code bridge -j fdb} and {@code ip -j neigh}. */
class NetlinkBatchIT {
    private static final int PEERS = 3000;

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void thousandsOfEntriesInBatchesWithEachFailureItsOwn() {
        NetNs ns = netns.create("nlbatch");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Vxlan.of("bvx0", 4242).withLearning(false));
            int vx = h.links().get("bvx0").index();

            NetlinkBatch add = new NetlinkBatch();
            for (int i = 0; i < PEERS; i++) {
                Fdb.add(add, fdb(vx, i));
                Neighbours.set(add, neighbour(vx, i));
                if (i == PEERS / 2) {
                    Neighbours.set(add, neighbour(999_999, i)); // no such link: fails alone
                }
            }
            NetlinkBatch.Result added = h.execute(add);

            assertThat(added.sent()).isEqualTo(2 * PEERS + 1);
            assertThat(added.failures()).singleElement().satisfies(e -> {
                assertThat(e.errno()).isEqualTo(Errno.ENODEV);
                assertThat(e.getMessage()).contains("on link #999999");
            });
            assertThat(macsWithDestination(bridge(ns, "fdb", "show", "dev", "bvx0"))).hasSize(PEERS)
                    .contains(mac(0).toString(), mac(PEERS - 1).toString());
            JsonNode neighbours = ip(ns, "neigh", "show", "dev", "bvx0");
            assertThat(neighbours).hasSize(PEERS);
            assertThat(neighbours).allSatisfy(n -> assertThat(n.get("state").toString()).contains("PERMANENT"));

            // deletes, twice each: the second finds nothing, which is no error
            NetlinkBatch remove = new NetlinkBatch();
            for (int i = 0; i < PEERS; i++) {
                for (int twice = 0; twice < 2; twice++) {
                    Neighbours.deleteIfPresent(remove, neighbour(vx, i));
                    Fdb.deleteIfPresent(remove, fdb(vx, i));
                }
            }
            h.execute(remove).throwIfFailed();
            assertThat(macsWithDestination(bridge(ns, "fdb", "show", "dev", "bvx0"))).isEmpty();
            assertThat(ip(ns, "neigh", "show", "dev", "bvx0")).isEmpty();
        }
    }

    private static Set<String> macsWithDestination(JsonNode fdb) {
        Set<String> macs = new HashSet<>();
        fdb.forEach(e -> {
            if (e.has("dst") && !e.get("mac").asText().equals("00:00:00:00:00:00")) {
                macs.add(e.get("mac").asText());
            }
        });
        return macs;
    }

    private static MacAddress mac(int i) {
        return MacAddress.parse(String.format("02:00:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff));
    }

    private static InetAddress address(int i) {
        return IpAddress.parse("10.%d.%d.%d".formatted(100 + (i >> 16), (i >> 8) & 0xff, i & 0xff)).toInetAddress();
    }

    private static FdbEntry fdb(int vx, int i) {
        return FdbEntry.vxlan(vx, mac(i), IpAddress.parse("192.0.2." + (1 + i % 200)).toInetAddress());
    }

    private static Neighbour neighbour(int link, int i) {
        return Neighbour.permanent(link, address(i), mac(i));
    }
}
