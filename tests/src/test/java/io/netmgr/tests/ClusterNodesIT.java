package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.store.etcd.EtcdStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three hosts, each the built netmgrd in its namespace, in one cluster on a real etcd: every host
 * lists all three; a netmgrd killed with SIGKILL (in the middle of an overlay create) is down for
 * the others once its lease expires, and node rm forgets it and gives back the pool it was granted;
 * a netmgrd restarted within its lease's TTL is never seen down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterNodesIT {
    private static final String UNFINISHED = "/netmgr/global/unfinished/";

    // host 2 keeps the default 2 s TTL; host 3's TTL leaves its JVM time to start again within it
    @RegisterExtension
    static final ClusterHosts CLUSTER = new ClusterHosts(3, Map.of(3, List.of("--cluster-lease-ttl", "60s")));

    @Test
    @Order(1)
    void everyHostListsAllThreeAliveAndItselfAsSelf() throws Exception {
        for (ClusterHosts.Host host : CLUSTER.hosts) {
            List<String> rows = new ArrayList<>();
            for (JsonNode n : host.nodes()) {
                rows.add(n.path("advertiseAddress").asText() + " " + n.path("status").asText() + " " + n.path("self").asBoolean());
            }
            assertThat(rows).as("node ls on host " + host.number).containsExactlyInAnyOrder(
                    "198.51.100.1 alive " + (host.number == 1),
                    "198.51.100.2 alive " + (host.number == 2),
                    "198.51.100.3 alive " + (host.number == 3));
        }
    }

    @Test
    @Order(2)
    void aKilledDaemonIsDownForTheOthersOnceItsLeaseExpiresAndNodeRmGivesBackWhatItsCutShortCreateWasGranted() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        ClusterHosts.Host three = CLUSTER.hosts.get(2);

        // host 2 killed in the middle of an overlay create, after its pool was granted: a host that never comes back
        two.daemon.kill();
        two.start(Map.of("NETMGR_OPTS", "-Dnetmgr.crashAt=create.before-commit"));
        var cut = NetmgrdIT.cli(two.daemon, "network", "create", "-d", "overlay", "--subnet", "10.94.0.0/24", "leaked");
        assertThat(cut.exit()).as(cut.err()).isNotZero();
        Eventually.waitUntil("host 2's netmgrd dead", Duration.ofSeconds(30), () -> !two.daemon.alive());
        try (EtcdStore etcd = CLUSTER.etcd.store("")) {
            assertThat(etcd.range(UNFINISHED)).as("host 2's note of its unfinished create").isNotEmpty();
            var held = NetmgrdIT.cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.94.0.0/24", "again");
            assertThat(held.exit()).as("the pool host 2 was granted").isEqualTo(1);
            assertThat(held.err()).contains("overlaps");

            awaitStatus(one, two, "down");
            assertThat(three.statusOf(two)).isEqualTo("down");
            var alive = NetmgrdIT.cli(one.daemon, "node", "rm", idOf(one, three));
            assertThat(alive.exit()).isEqualTo(1);
            assertThat(alive.err()).contains("198.51.100.3").contains("is alive (its lease is held): node rm removes only a host that is down");
            String twoId = idOf(one, two);
            var removed = NetmgrdIT.cli(one.daemon, "node", "rm", twoId);
            assertThat(removed.exit()).as(removed.err()).isZero();
            assertThat(removed.out().lines()).as("node rm says what it gave back").containsExactly(twoId,
                    "  released pool 10.94.0.0/24 of network leaked: its creation was cut short");
            assertThat(three.statusOf(two)).as("node rm forgets it for every host").isEqualTo("absent");
            assertThat(etcd.range(UNFINISHED)).as("no note left").isEmpty();
            // before: the pool stayed granted for good, and every host was refused the subnet
            var created = NetmgrdIT.cli(three.daemon, "network", "create", "-d", "overlay", "--subnet", "10.94.0.0/24", "again");
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(NetmgrdIT.cli(one.daemon, "network", "rm", "again").exit()).isZero();
        }
        two.start(); // back anyway: it joins again

        awaitStatus(one, two, "alive");
        assertThat(two.nodes()).filteredOn(n -> n.path("self").asBoolean()).extracting(n -> n.path("advertiseAddress").asText())
                .containsExactly("198.51.100.2");
    }

    @Test
    @Order(3)
    void aDaemonRestartedWithinItsTtlIsNeverSeenDown() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host three = CLUSTER.hosts.get(2);

        three.daemon.kill();
        List<String> seen = new ArrayList<>();
        seen.add(one.statusOf(three));
        Thread restart = new Thread(() -> {
            try {
                three.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        restart.start();
        while (restart.isAlive()) {
            seen.add(one.statusOf(three));
        }
        restart.join();
        seen.add(one.statusOf(three));

        assertThat(seen).as("host 3 in host 1's node ls while its daemon restarted").containsOnly("alive");
        assertThat(three.daemon).isNotNull();
        assertThat(three.statusOf(three)).isEqualTo("alive");
    }

    private static String idOf(ClusterHosts.Host observer, ClusterHosts.Host subject) throws Exception {
        for (JsonNode n : observer.nodes()) {
            if (n.path("advertiseAddress").asText().equals(subject.address.toString())) {
                return n.path("id").asText();
            }
        }
        throw new AssertionError("host " + subject.number + " not in host " + observer.number + "'s node ls");
    }

    // polls node ls on `observer` until `subject` has `status`; a deadline, not a timed assertion
    private static void awaitStatus(ClusterHosts.Host observer, ClusterHosts.Host subject, String status) throws Exception {
        Eventually.waitUntil("host " + subject.number + " " + status + " for host " + observer.number, java.time.Duration.ofSeconds(60),
                () -> observer.statusOf(subject).equals(status));
    }
}
