package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.driver.Peer;
import io.netmgr.netlink.addr.IpNet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerChangesTest {
    private static Peer peer(String endpoint, String address) {
        return new Peer("n".repeat(64), endpoint, "192.0.2.2", List.of(IpNet.parse(address)), "02:42:0a:08:00:02");
    }

    @Test
    void aPeerThatJoinedAndLeftWithinTheChangesCostsNothing() {
        PeerChanges changes = new PeerChanges();
        changes.joined("k/e1", peer("e1", "10.8.0.2/24"), false);
        changes.left("k/e1", peer("e1", "10.8.0.2/24"), true);
        assertThat(changes.left()).isEmpty();
        assertThat(changes.joined()).isEmpty();
    }

    @Test
    void theLastChangeOfAPeerWinsAndAKnownPeerThatLeftIsRemoved() {
        PeerChanges changes = new PeerChanges();
        changes.joined("k/e1", peer("e1", "10.8.0.2/24"), true);
        changes.joined("k/e1", peer("e1", "10.8.0.9/24"), true);
        changes.left("k/e2", peer("e2", "10.8.0.3/24"), true);
        changes.joined("k/e3", peer("e3", "10.8.0.4/24"), false);
        changes.left("k/e4", peer("e4", "10.8.0.5/24"), true);
        changes.joined("k/e4", peer("e4", "10.8.0.6/24"), false); // left, then back: a change of a known peer
        assertThat(changes.joined()).containsExactly(peer("e1", "10.8.0.9/24"), peer("e3", "10.8.0.4/24"), peer("e4", "10.8.0.6/24"));
        assertThat(changes.left()).containsExactly(peer("e2", "10.8.0.3/24"));
    }
}
