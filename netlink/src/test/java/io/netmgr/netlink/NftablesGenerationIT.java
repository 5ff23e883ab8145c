package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.nftables.NftablesGeneration;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The nftables generation against changes made by the nft tool, in a namespace of the test's own. */
class NftablesGenerationIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void staysWhileNothingChangesAndMovesWithEveryCommittedChange() {
        NetNs ns = netns.create("gen");
        try (NftablesGeneration generation = NftablesGeneration.open(ns)) {
            long first = generation.current();
            IpOracle.exec(ns, "nft", "list ruleset");
            assertThat(generation.current()).as("a listing changes nothing").isEqualTo(first);

            IpOracle.exec(ns, "nft", "add table inet nmtgen");
            long second = generation.current();
            assertThat(second).as("after a table was added").isNotEqualTo(first);
            assertThat(generation.current()).as("read again").isEqualTo(second);

            IpOracle.exec(ns, "nft", "flush ruleset");
            assertThat(generation.current()).as("after the ruleset was flushed").isNotEqualTo(second);
        }
    }

    @Test
    void isTheNamespacesOwn() {
        NetNs a = netns.create("gena");
        NetNs b = netns.create("genb");
        try (NftablesGeneration inA = NftablesGeneration.open(a)) {
            long before = inA.current();
            IpOracle.exec(b, "nft", "add table inet nmtgen");
            assertThat(inA.current()).as("a change in another namespace").isEqualTo(before);
        }
    }
}
