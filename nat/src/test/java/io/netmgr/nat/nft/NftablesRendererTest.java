package io.netmgr.nat.nft;

import static io.netmgr.nat.GoldenFiles.assertMatches;
import static io.netmgr.nat.Scenarios.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.firewall.FirewallState;
import io.netmgr.nat.Scenarios;
import org.junit.jupiter.api.Test;

class NftablesRendererTest {

    private static String full(FirewallState s) {
        return NftablesRenderer.full(NftablesRenderer.ruleset(s));
    }

    private static String diff(FirewallState from, FirewallState to) {
        return NftablesRenderer.diff(NftablesRenderer.ruleset(from), NftablesRenderer.ruleset(to));
    }

    @Test
    void aServiceBalancesItsVipAndPortsOverItsBackends() {
        assertMatches("nft/service.nft", full(Scenarios.oneNetwork().withService(Scenarios.api())));
    }

    @Test
    void addingOrRemovingABackendChangesOnlyThatServicesElements() {
        var api = Scenarios.api();
        var fewer = api.withBackends(api.backends().subList(0, 2));
        String change = NftablesRenderer.serviceChange(api, fewer);
        assertMatches("nft/diff-service-backend.nft", change);
        assertThat(change.lines()).isNotEmpty().allMatch(l -> l.startsWith("delete element ") || l.startsWith("add element "));
        // the same as the whole state's difference, so the incremental path renders no other rule
        FirewallState with = Scenarios.oneNetwork().withService(api);
        assertThat(change).isEqualTo(diff(with, with.withService(fewer)));
    }

    @Test
    void removingAServiceRemovesItsElementsThenItsChains() {
        var api = Scenarios.api();
        FirewallState with = Scenarios.oneNetwork().withService(api);
        assertThat(NftablesRenderer.serviceChange(api, null)).isEqualTo(diff(with, Scenarios.oneNetwork()));
        assertThat(NftablesRenderer.serviceChange(null, api)).isEqualTo(diff(Scenarios.oneNetwork(), with));
    }

    @Test
    void aMeshAddressIsOneElementOfTheMeshMap() {
        var meshed = Scenarios.WEB.withMeshAddress(io.netmgr.netlink.addr.IpAddress.parse("10.10.0.250"));
        FirewallState with = Scenarios.oneNetwork().withNetwork(meshed);
        String change = diff(Scenarios.oneNetwork(), with);
        assertMatches("nft/diff-mesh-address.nft", change);
        assertThat(change.lines()).containsExactly("add element inet netmgr mesh-snat4 { \"br-web\" : 10.10.0.250 }");
    }

    @Test
    void oneNetworkWithPorts() {
        assertMatches("nft/one-network.nft", full(Scenarios.oneNetwork()));
    }

    @Test
    void fourNetworksWithEveryOption() {
        assertMatches("nft/four-networks.nft", full(Scenarios.fourNetworks()));
    }

    @Test
    void emptyStateDeletesTheTable() {
        assertMatches("nft/empty.nft", full(FirewallState.EMPTY));
        assertThat(diff(Scenarios.oneNetwork(), FirewallState.EMPTY)).isEqualTo(full(FirewallState.EMPTY));
        assertThat(diff(FirewallState.EMPTY, FirewallState.EMPTY)).isEmpty();
    }

    @Test
    void addingOnePortAddsElementsOnly() {
        FirewallState before = Scenarios.fourNetworks();
        FirewallState after = before.withPort(publish("9090:90", "web", "web2", "10.10.0.4"));
        assertMatches("nft/diff-add-port.nft", diff(before, after));
        assertThat(diff(before, after).lines()).allMatch(l -> l.startsWith("add element "));
    }

    @Test
    void removingAPortRemovesOnlyItsElements() {
        FirewallState before = Scenarios.fourNetworks();
        assertMatches("nft/diff-remove-port.nft", diff(before, before.withoutPortsOf("dns")));
    }

    @Test
    void addingAndRemovingANetworkTouchesOnlyItsChainsAndElements() {
        FirewallState before = Scenarios.oneNetwork();
        assertMatches("nft/diff-add-network.nft", diff(before, before.withNetwork(Scenarios.DB)));
        assertMatches("nft/diff-remove-network.nft", diff(before.withNetwork(Scenarios.DB), before));
    }

    @Test
    void changingANetworkOptionRewritesOnlyThatNetworksChains() {
        FirewallState before = Scenarios.fourNetworks();
        assertMatches("nft/diff-icc-off.nft", diff(before, before.withNetwork(Scenarios.WEB.withIcc(false))));
    }

    @Test
    void movingAHostPortToAnotherContainerReplacesItsKeyInOneTransaction() {
        FirewallState before = Scenarios.oneNetwork();
        FirewallState after = before.withoutPortsOf("web1").withPort(publish("8080:80", "web", "web2", "10.10.0.4"));
        assertMatches("nft/diff-move-port.nft", diff(before, after));
    }

    @Test
    void publishingPortsOneByOneRendersWhatTheDiffRenders() {
        FirewallState before = Scenarios.fourNetworks();
        PortElementCounts counts = PortElementCounts.of(before.ports());
        // a second host port to a container port already published: its backend element is shared
        var again = publish("8081:80", "web", "web1b", "10.10.0.2");
        var fresh = publish("9090-9091:90-91/udp", "web", "web2", "10.10.0.4");
        FirewallState after = before.withPort(again, fresh);
        PortElementCounts.Change change = counts.change(java.util.List.of(again, fresh), java.util.List.of());
        assertThat(change.script()).isEqualTo(diff(before, after));
        counts.commit(change);
        PortElementCounts.Change removal = counts.change(java.util.List.of(), java.util.List.of(again));
        assertThat(removal.script()).as("the backend stays: web1 still uses it")
                .isEqualTo(diff(after, after.withoutPortsOf("web1b")))
                .doesNotContain("backends4");
        counts.commit(removal);
        assertThat(counts.change(java.util.List.of(), after.ports()).script())
                .isEqualTo(diff(after.withoutPortsOf("web1b"), after.withoutPorts(p -> true)));
    }

    @Test
    void firstStateIsAFullRender() {
        assertThat(diff(FirewallState.EMPTY, Scenarios.oneNetwork())).isEqualTo(full(Scenarios.oneNetwork()));
    }
}
