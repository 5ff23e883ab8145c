package io.netmgr.dns;

import static io.netmgr.netlink.testing.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.service.EndpointMode;
import io.netmgr.core.store.MemoryStore;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NameIndexTest {
    private final MemoryStore store = new MemoryStore();
    private final ModelWriter model = new ModelWriter(store);
    private final AtomicInteger changes = new AtomicInteger();
    private NameIndex index;

    @AfterEach
    void close() {
        if (index != null) {
            index.close();
        }
        store.close();
    }

    private void twoNetworksThreeSandboxes() {
        model.network("front", "front", "bridge", false);
        model.network("back", "back", "bridge", false);
        model.sandbox("web", "web", "/run/netns/nm-web", true);
        model.sandbox("db", "db", "/run/netns/nm-db", true);
        model.sandbox("cache", "cache", "/run/netns/nm-cache", false);
        model.endpoint("e1", "front", "web", List.of(), "10.1.0.2/24");
        model.endpoint("e2", "back", "web", List.of(), "10.2.0.2/24");
        model.endpoint("e3", "back", "db", List.of("Database", "pg"), "10.2.0.3/24", "fd00:2::3/64");
        model.endpoint("e4", "front", "cache", List.of(), "10.1.0.4/24");
    }

    /** In a cluster: the overlay, this host's endpoint on it and the global service live in the cluster store. */
    @Test
    void namesOnAGlobalNetworkComeFromTheClusterStore() {
        MemoryStore cluster = new MemoryStore();
        ModelWriter global = ModelWriter.global(cluster, "host-a");
        global.network("ov", "demo", "overlay", false);
        model.sandbox("client", "client", "/run/netns/nm-client", true);
        global.endpoint("e1", "ov", "client", List.of(), "10.9.0.3/24");
        global.service("svc", "hello", EndpointMode.VIP, Map.of("ov", "10.9.0.100/24"), "ov");
        global.backend("svc", "e9", "remote-task", "ov", "10.9.0.7/24");
        index = NameIndex.follow(store, Optional.of(cluster), changes::incrementAndGet);

        assertThat(index.table().served()).containsOnlyKeys("client");
        assertThat(index.table().lookup("client", "hello")).contains(List.of(ip("10.9.0.100")));
        assertThat(index.table().lookup("client", "tasks.hello")).as("a backend on another host").contains(List.of(ip("10.9.0.7")));

        global.backend("svc", "e8", "another", "ov", "10.9.0.8/24");
        waitFor("the cluster store's change seen", () -> index.table().lookup("client", "tasks.hello").map(List::size).orElse(0) == 2);
        cluster.close();
    }

    /**
     * A container on another host (its sandbox in that host's store) resolves by its endpoint's
     * name, which is its sandbox's, and its aliases, as on a swarm overlay; an endpoint of another
     * host on a local-scope network never reaches this host's index, and one not joined gives nothing.
     */
    @Test
    void aContainerOnAnotherHostResolvesByNameOnAGlobalNetwork() {
        MemoryStore cluster = new MemoryStore();
        ModelWriter here = ModelWriter.global(cluster, "host-a");
        ModelWriter there = ModelWriter.global(cluster, "host-b");
        here.network("ov", "demo", "overlay", false, Map.of(), "global");
        model.sandbox("client", "client", "/run/netns/nm-client", true);
        here.endpoint("e1", "ov", "client", List.of(), "10.9.0.3/24");
        there.endpoint("e2", "ov", "remote-sandbox", List.of("db"), "10.9.0.4/24");
        there.endpoint("e3", "ov", null, List.of(), "10.9.0.5/24");
        index = NameIndex.follow(store, Optional.of(cluster), changes::incrementAndGet);

        assertThat(index.table().served()).as("served by its own host's resolver").containsOnlyKeys("client");
        assertThat(index.table().lookup("client", "ep-e2")).contains(List.of(ip("10.9.0.4")));
        assertThat(index.table().lookup("client", "db")).contains(List.of(ip("10.9.0.4")));
        assertThat(index.table().lookup("client", "ep-e3")).as("not joined").isEmpty();

        there.endpoint("e6", "ov", "later", List.of(), "10.9.0.6/24");
        waitFor("a remote join seen", () -> index.table().lookup("client", "ep-e6").isPresent());
        cluster.close();
    }

    @Test
    void aNameResolvesOnlyThroughANetworkTheAskerShares() {
        twoNetworksThreeSandboxes();
        index = NameIndex.follow(store, changes::incrementAndGet);
        NameTable names = index.table();

        assertThat(names.lookup("web", "db")).contains(List.of(ip("10.2.0.3"), ip("fd00:2::3")));
        assertThat(names.lookup("web", "database.")).as("aliases, without case or the root's dot")
                .contains(List.of(ip("10.2.0.3"), ip("fd00:2::3")));
        assertThat(names.lookup("web", "cache")).contains(List.of(ip("10.1.0.4")));
        assertThat(names.lookup("db", "cache")).as("cache is on front only, db on back only").isEmpty();
        assertThat(names.lookup("cache", "db")).isEmpty();
        assertThat(names.lookup("db", "web")).as("web's address on the network they share").contains(List.of(ip("10.2.0.2")));
        assertThat(names.lookup("nobody", "web")).as("an unknown asker sees nothing").isEmpty();
        assertThat(names.served()).containsOnlyKeys("web", "db", "cache");
    }

    @Test
    void predefinedNetworksGiveNoNamesAndNoResolver() {
        model.network("b0", "bridge", "bridge", true);
        model.network("h0", "host", "host", true);
        model.sandbox("a", "a", "/run/netns/nm-a", true);
        model.sandbox("b", "b", "/run/netns/nm-b", true);
        model.endpoint("e1", "b0", "a", List.of(), "172.17.0.2/16");
        model.endpoint("e2", "b0", "b", List.of(), "172.17.0.3/16");
        index = NameIndex.follow(store, changes::incrementAndGet);

        assertThat(index.table().lookup("a", "b")).isEmpty();
        assertThat(index.table().served()).isEmpty();
    }

    /** dockerd answers its own containers on 127.0.0.11 (it knows their aliases; we are never told them). */
    @Test
    void networksMadeByDockerdAreLeftToDockerdsResolver() {
        model.network("d", "docker-0123456789ab", "bridge", false,
                java.util.Map.of(io.netmgr.core.network.NameResolution.DOCKERD_NETWORK_LABEL, "0123456789ab" + "0".repeat(52)));
        model.sandbox("a", "a", "/var/run/docker/netns/a", false);
        model.sandbox("b", "b", "/var/run/docker/netns/b", false);
        model.endpoint("e1", "d", "a", List.of(), "10.50.0.2/24");
        model.endpoint("e2", "d", "b", List.of(), "10.50.0.3/24");
        index = NameIndex.follow(store, changes::incrementAndGet);

        assertThat(index.table().lookup("a", "b")).isEmpty();
        assertThat(index.table().served()).isEmpty();
    }

    @Test
    void anEndpointNotJoinedGivesNoName() {
        model.network("n", "n", "bridge", false);
        model.sandbox("a", "a", "/run/netns/nm-a", true);
        model.endpoint("e1", "n", "a", List.of(), "10.0.0.2/24");
        model.endpoint("e2", "n", null, List.of("ghost"), "10.0.0.3/24");
        index = NameIndex.follow(store, changes::incrementAndGet);

        assertThat(index.table().lookup("a", "ghost")).isEmpty();
        assertThat(index.table().lookup("a", "a")).contains(List.of(ip("10.0.0.2")));
    }

    @Test
    void theWatchKeepsTheTableCurrent() {
        twoNetworksThreeSandboxes();
        index = NameIndex.follow(store, changes::incrementAndGet);
        assertThat(index.table().lookup("web", "late")).isEmpty();

        model.sandbox("late", "late", "/run/netns/nm-late", true);
        model.endpoint("e5", "front", "late", List.of("newcomer"), "10.1.0.5/24");
        waitFor("newcomer indexed", () -> index.table().lookup("web", "newcomer").isPresent());
        assertThat(index.table().lookup("web", "late")).contains(List.of(ip("10.1.0.5")));
        assertThat(index.table().served()).containsKey("late");
        assertThat(changes.get()).isPositive();

        model.deleteEndpoint("e5");
        waitFor("late gone from the index", () -> index.table().lookup("web", "late").isEmpty());
        assertThat(index.table().served()).doesNotContainKey("late");
    }

    @Test
    void oneAliasOnSeveralEndpointsGivesEveryAddress() {
        model.network("n", "n", "bridge", false);
        for (int i = 2; i <= 4; i++) {
            model.sandbox("s" + i, "task" + i, "/run/netns/nm-" + i, true);
            model.endpoint("e" + i, "n", "s" + i, List.of("api"), "10.0.0." + i + "/24");
        }
        index = NameIndex.follow(store, changes::incrementAndGet);

        Optional<List<InetAddress>> api = index.table().lookup("s2", "api");
        assertThat(api).contains(List.of(ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4")));
    }

    @Test
    void aServiceNameIsItsVipAndTasksNameEveryBackendOnTheAskersNetworks() {
        twoNetworksThreeSandboxes();
        model.service("svc", "api", EndpointMode.VIP, Map.of("front", "10.1.0.100/24", "back", "10.2.0.100/24"), "front", "back");
        model.backend("svc", "e3", "db", "back", "10.2.0.3/24");
        model.backend("svc", "e4", "cache", "front", "10.1.0.4/24");
        model.service("rr", "rr", EndpointMode.DNSRR, Map.of(), "back");
        model.backend("rr", "e2", "web", "back", "10.2.0.2/24");
        model.backend("rr", "e3", "db", "back", "10.2.0.3/24");
        model.service("empty", "idle", EndpointMode.VIP, Map.of("front", "10.1.0.101/24"), "front");
        index = NameIndex.follow(store, changes::incrementAndGet);
        NameTable names = index.table();

        assertThat(names.lookup("cache", "api")).as("the VIP on front").contains(List.of(ip("10.1.0.100")));
        assertThat(names.lookup("db", "api")).as("the VIP on back").contains(List.of(ip("10.2.0.100")));
        assertThat(names.lookup("cache", "tasks.api")).as("backends on front only").contains(List.of(ip("10.1.0.4")));
        assertThat(names.lookup("web", "tasks.api")).as("web is on both")
                .hasValueSatisfying(a -> assertThat(a).containsExactlyInAnyOrder(ip("10.1.0.4"), ip("10.2.0.3")));
        assertThat(names.lookup("db", "rr")).as("dnsrr: the backends").contains(List.of(ip("10.2.0.2"), ip("10.2.0.3")));
        assertThat(names.lookup("cache", "rr")).as("rr is on back only").isEmpty();
        assertThat(names.lookup("cache", "tasks.idle")).as("no backend yet: known, without address").contains(List.of());

        model.service("clash", "web", EndpointMode.VIP, Map.of("front", "10.1.0.102/24"), "front");
        waitFor("the service web indexed", () -> index.table().lookup("cache", "web").equals(Optional.of(List.of(ip("10.1.0.102")))));
        assertThat(index.table().lookup("db", "web")).as("on back, web is still the sandbox").contains(List.of(ip("10.2.0.2")));

        model.deleteBackend("rr", "e2");
        waitFor("rr without the removed backend", () -> index.table().lookup("db", "rr").equals(Optional.of(List.of(ip("10.2.0.3")))));
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
