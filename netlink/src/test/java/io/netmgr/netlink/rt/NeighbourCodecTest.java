package io.netmgr.netlink.rt;

import static io.netmgr.netlink.fixtures.RequestComparison.asExecuted;
import static io.netmgr.netlink.rt.LinkCodecTest.BR0;
import static io.netmgr.netlink.rt.LinkCodecTest.VETH0;
import static io.netmgr.netlink.rt.LinkCodecTest.VX0;
import static io.netmgr.netlink.rt.Rt.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.fixtures.HexFixture;
import io.netmgr.netlink.fixtures.RequestComparison;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Neighbour and FDB messages against kernel RTM_NEWNEIGH fixtures, iproute2's requests and hand-written hex. */
class NeighbourCodecTest {
    private static final MacAddress NEIGHBOUR_MAC = MacAddress.parse("02:00:00:00:00:07");
    private static final MacAddress REMOTE_MAC = MacAddress.parse("02:00:00:00:00:aa");
    private static final MacAddress PORT_MAC = MacAddress.parse("02:00:00:00:00:bb");

    @Nested
    class DecodingKernelMessages {
        @Test
        void permanentIpv4Neighbour() {
            assertThat(NeighbourCodec.decodeNeighbour(HexFixture.message("kernel/neigh-v4-permanent.hex")))
                    .isEqualTo(new Neighbour(BR0, IpAddress.parse("10.1.0.7").toInetAddress(), NEIGHBOUR_MAC, NUD_PERMANENT));
        }

        @Test
        void permanentIpv6Neighbour() {
            assertThat(NeighbourCodec.decodeNeighbour(HexFixture.message("kernel/neigh-v6-permanent.hex")))
                    .isEqualTo(new Neighbour(BR0, IpAddress.parse("fd00::7").toInetAddress(), NEIGHBOUR_MAC, NUD_PERMANENT));
        }

        @Test
        void vxlanEntryWithItsRemote() {
            assertThat(NeighbourCodec.decodeFdb(HexFixture.message("kernel/fdb-vxlan-unicast.hex"))).isEqualTo(
                    new FdbEntry(VX0, REMOTE_MAC, IpAddress.parse("10.0.0.3").toInetAddress(), true, false, NUD_PERMANENT | NUD_NOARP));
        }

        @Test
        void vxlanFloodEntry() {
            FdbEntry e = NeighbourCodec.decodeFdb(HexFixture.message("kernel/fdb-vxlan-flood.hex"));
            assertThat(e).isEqualTo(new FdbEntry(VX0, FdbEntry.FLOOD, IpAddress.parse("10.0.0.4").toInetAddress(), true, false,
                    NUD_PERMANENT | NUD_NOARP));
            assertThat(e.isFlood()).isTrue();
        }

        @Test
        void bridgeEntryIsMarkedMasterByNdaMaster() {
            // the kernel dumps it with ndm_flags 0 and names the bridge in NDA_MASTER
            assertThat(NeighbourCodec.decodeFdb(HexFixture.message("kernel/fdb-bridge-master.hex")))
                    .isEqualTo(new FdbEntry(VETH0, PORT_MAC, null, false, true, NUD_NOARP));
        }

        @Test
        void neighboursAndFdbEntriesAreToldApartByFamily() {
            assertThat(NeighbourCodec.decodeFdb(HexFixture.message("kernel/neigh-v4-permanent.hex"))).isNull();
            assertThat(NeighbourCodec.decodeNeighbour(HexFixture.message("kernel/fdb-vxlan-unicast.hex"))).isNull();
            assertThat(NeighbourCodec.decodeNeighbour(HexFixture.message("kernel/addr-v4.hex"))).isNull();
        }
    }

    @Nested
    class EncodingLikeIproute2 {
        private static final RequestComparison NEIGH = RequestComparison.withStruct(NDMSG_LEN);

        @Test
        void setPermanentNeighbour() {
            Neighbour n = Neighbour.permanent(BR0, IpAddress.parse("10.1.0.7").toInetAddress(), NEIGHBOUR_MAC);
            NEIGH.assertSameAs(asExecuted(NeighbourCodec.set(n)), HexFixture.read("iproute2/neigh-replace.hex"),
                    "ip neigh replace ... nud permanent");
        }

        @Test
        void vxlanEntryReplaces() {
            // bridge(8) sends NUD_NOARP with "permanent"; FdbEntry.vxlan does not (see EncodingByTheHeaders)
            FdbEntry e = new FdbEntry(VX0, REMOTE_MAC, IpAddress.parse("10.0.0.3").toInetAddress(), true, false, NUD_PERMANENT | NUD_NOARP);
            NEIGH.assertSameAs(asExecuted(NeighbourCodec.add(e)), HexFixture.read("iproute2/fdb-replace.hex"),
                    "bridge fdb replace ... self permanent");
        }

        @Test
        void floodEntryAppends() {
            FdbEntry e = new FdbEntry(VX0, FdbEntry.FLOOD, IpAddress.parse("10.0.0.4").toInetAddress(), true, false,
                    NUD_PERMANENT | NUD_NOARP);
            NEIGH.assertSameAs(asExecuted(NeighbourCodec.add(e)), HexFixture.read("iproute2/fdb-append-flood.hex"),
                    "bridge fdb append 00:00:00:00:00:00 ... self permanent");
        }
    }

    @Nested
    class EncodingByTheHeaders {
        @Test
        void vxlanEntry() {
            FdbEntry e = FdbEntry.vxlan(VX0, REMOTE_MAC, IpAddress.parse("10.0.0.3").toInetAddress());
            assertThat(NeighbourCodec.add(e).toBytes(8)).isEqualTo(HexFixture.read("expected/fdb-add-vxlan.hex"));
        }

        @Test
        void bridgeEntry() {
            assertThat(NeighbourCodec.add(FdbEntry.bridge(VETH0, PORT_MAC)).toBytes(9))
                    .isEqualTo(HexFixture.read("expected/fdb-add-bridge-master.hex"));
        }

        @Test
        void deleteIpv6Neighbour() {
            Neighbour n = Neighbour.permanent(BR0, IpAddress.parse("fd00::7").toInetAddress(), NEIGHBOUR_MAC);
            assertThat(NeighbourCodec.delete(n).toBytes(10)).isEqualTo(HexFixture.read("expected/neigh-del-v6.hex"));
        }
    }
}
