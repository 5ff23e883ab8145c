package io.netmgr.netlink.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.fixtures.HexFixture;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Macvlan;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import org.junit.jupiter.api.Test;

/**
 * Multicast messages as the kernel sent them (fixtures/kernel/event-*; neighbour and FDB changes
 * have the shape of the dump answers in fixtures/kernel), decoded as a subscription does.
 */
class EventDecodingTest {
    private static final int VETH1 = 3, MV0 = 6, BR0 = 2, VX0 = 5;
    private static final int IFF_BROADCAST = 0x2, IFF_MULTICAST = 0x1000, IFA_F_PERMANENT = 0x80;

    @Test
    void addressAdded() {
        assertThat(EventSubscription.decode(HexFixture.message("kernel/event-newaddr.hex"))).isEqualTo(
                new NetlinkEvent.AddressChanged(new Address(VETH1, IpNet.parse("10.2.0.1/24"), 0, IFA_F_PERMANENT), false));
    }

    @Test
    void addressDeleted() {
        assertThat(EventSubscription.decode(HexFixture.message("kernel/event-deladdr.hex"))).isEqualTo(
                new NetlinkEvent.AddressChanged(new Address(VETH1, IpNet.parse("10.2.0.1/24"), 0, IFA_F_PERMANENT), true));
    }

    @Test
    void linkDeletedCarriesTheLinkAsItWas() {
        LinkAttrs mv0 = new LinkAttrs(MV0, "mv0", 1500, MacAddress.parse("02:00:00:00:00:d0"), 0,
                IFF_BROADCAST | IFF_MULTICAST, "down", VETH1);
        assertThat(EventSubscription.decode(HexFixture.message("kernel/event-dellink.hex")))
                .isEqualTo(new NetlinkEvent.LinkChanged(new Macvlan(mv0, VETH1, Macvlan.Mode.BRIDGE), true));
    }

    @Test
    void neighbourAndForwardingEntriesAreTheirOwnEvents() {
        // an RTM_NEWNEIGH the neighbour group multicasts has the shape of a dump's answer
        assertThat(EventSubscription.decode(HexFixture.message("kernel/neigh-v4-permanent.hex"))).isEqualTo(
                new NetlinkEvent.NeighbourChanged(new Neighbour(BR0, IpAddress.parse("10.1.0.7").toInetAddress(),
                        MacAddress.parse("02:00:00:00:00:07"), Neighbour.PERMANENT), false));
        assertThat(EventSubscription.decode(HexFixture.message("kernel/fdb-vxlan-unicast.hex"))).isEqualTo(
                new NetlinkEvent.FdbChanged(new FdbEntry(VX0, MacAddress.parse("02:00:00:00:00:aa"),
                        IpAddress.parse("10.0.0.3").toInetAddress(), true, false, Neighbour.PERMANENT | Neighbour.NOARP), false));
    }

    @Test
    void messagesOfOtherKindsAreNoEvents() {
        assertThat(EventSubscription.decode(HexFixture.message("kernel/route-v4-default.hex"))).isNull();
    }
}
