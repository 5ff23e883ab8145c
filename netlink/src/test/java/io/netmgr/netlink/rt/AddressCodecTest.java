package io.netmgr.netlink.rt;

import static io.netmgr.netlink.fixtures.RequestComparison.asExecuted;
import static io.netmgr.netlink.rt.LinkCodecTest.BR0;
import static io.netmgr.netlink.rt.Rt.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.fixtures.HexFixture;
import io.netmgr.netlink.fixtures.RequestComparison;
import java.net.Inet6Address;
import java.util.HexFormat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Address messages against kernel RTM_NEWADDR fixtures, iproute2's requests and hand-written hex. */
class AddressCodecTest {
    private static final int IFA_F_NODAD = 0x02, IFA_F_PERMANENT = 0x80, IFA_F_NOPREFIXROUTE = 0x200;

    @Nested
    class DecodingKernelMessages {
        @Test
        void ipv4WithBroadcast() {
            assertThat(AddressCodec.decode(HexFixture.message("kernel/addr-v4.hex")))
                    .isEqualTo(new Address(BR0, IpNet.parse("10.1.0.1/24"), Address.SCOPE_UNIVERSE, IFA_F_PERMANENT));
        }

        @Test
        void ipv6CarriesItsFlagsInIfaFlags() {
            assertThat(AddressCodec.decode(HexFixture.message("kernel/addr-v6.hex"))).isEqualTo(new Address(BR0,
                    IpNet.parse("fd00::1/64"), Address.SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_NODAD));
        }

        @Test
        void loopbackIsHostScoped() {
            assertThat(AddressCodec.decode(HexFixture.message("kernel/addr-lo-v4.hex")))
                    .isEqualTo(new Address(1, IpNet.parse("127.0.0.1/8"), Address.SCOPE_HOST, IFA_F_PERMANENT));
        }

        @Test
        void ipv4MappedIpv6StaysIpv6() throws Exception {
            Address a = AddressCodec.decode(HexFixture.message("kernel/addr-v6-mapped.hex"));
            var mapped = IpAddress.of(HexFormat.of().parseHex("00000000000000000000ffff0a030001"));
            assertThat(a).isEqualTo(new Address(BR0, new IpNet(mapped, 128), Address.SCOPE_UNIVERSE,
                    IFA_F_PERMANENT | IFA_F_NODAD));
            assertThat(a.ip()).hasToString("::ffff:10.3.0.1/128");
        }

        @Test
        void otherMessagesAreNotAddresses() {
            assertThat(AddressCodec.decode(HexFixture.message("kernel/route-v4-default.hex"))).isNull();
        }
    }

    @Nested
    class EncodingLikeIproute2 {
        private static final RequestComparison ADDRESS = RequestComparison.withStruct(IFADDRMSG_LEN);

        @Test
        void addIpv4WithTheBroadcastOfItsPrefix() {
            ADDRESS.assertSameAs(asExecuted(AddressCodec.add(Address.of(BR0, IpNet.parse("10.1.0.1/24")))),
                    HexFixture.read("iproute2/addr-add-v4.hex"), "ip addr add 10.1.0.1/24 brd +");
        }

        @Test
        void addIpv6WithoutDuplicateAddressDetection() {
            Address a = Address.of(BR0, IpNet.parse("fd00::1/64")).withFlags(Address.NODAD);
            ADDRESS.assertSameAs(asExecuted(AddressCodec.add(a)), HexFixture.read("iproute2/addr-add-v6-nodad.hex"),
                    "ip addr add fd00::1/64 nodad");
        }
    }

    @Nested
    class EncodingByTheHeaders {
        @Test
        void deleteSendsNoBroadcast() {
            assertThat(AddressCodec.delete(Address.of(BR0, IpNet.parse("10.1.0.1/24"))).toBytes(4))
                    .isEqualTo(HexFixture.read("expected/addr-del-v4.hex"));
        }

        @Test
        void flagsAboveEightBitsGoInIfaFlags() {
            Address a = new Address(BR0, IpNet.parse("fd00::1/64"), Address.SCOPE_UNIVERSE, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
            assertThat(AddressCodec.add(a).toBytes(5)).isEqualTo(HexFixture.read("expected/addr-add-v6-noprefixroute.hex"));
        }

        @Test
        void pointToPointPrefixesHaveNoBroadcast() {
            for (String ip : new String[] {"10.1.0.1/31", "10.1.0.1/32"}) {
                var sent = HexFixture.message(AddressCodec.add(Address.of(BR0, IpNet.parse(ip))).toBytes(1), ip);
                assertThat(sent.attributes(IFADDRMSG_LEN).has(IFA_BROADCAST)).as(ip).isFalse();
            }
            var slash30 = HexFixture.message(AddressCodec.add(Address.of(BR0, IpNet.parse("10.1.0.1/30"))).toBytes(1), "/30");
            assertThat(slash30.attributes(IFADDRMSG_LEN).address(IFA_BROADCAST)).contains(IpAddress.parse("10.1.0.3").toInetAddress());
        }
    }
}
