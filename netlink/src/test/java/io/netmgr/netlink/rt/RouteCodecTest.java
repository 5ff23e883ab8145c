package io.netmgr.netlink.rt;

import static io.netmgr.netlink.fixtures.RequestComparison.asExecuted;
import static io.netmgr.netlink.rt.LinkCodecTest.BR0;
import static io.netmgr.netlink.rt.Rt.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.fixtures.HexFixture;
import io.netmgr.netlink.fixtures.RequestComparison;
import io.netmgr.netlink.route.Route;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Route messages against kernel RTM_NEWROUTE fixtures, iproute2's requests and hand-written hex. */
class RouteCodecTest {
    private static InetAddress ip(String s) {
        return IpAddress.parse(s).toInetAddress();
    }

    private static Route decode(String fixture) {
        return RouteCodec.decode(HexFixture.message("kernel/" + fixture + ".hex"));
    }

    @Nested
    class DecodingKernelMessages {
        @Test
        void ipv4DefaultWithMetric() {
            assertThat(decode("route-v4-default")).isEqualTo(new Route(null, ip("10.1.0.254"), BR0, RT_TABLE_MAIN, 100,
                    false, false, null, RTPROT_BOOT, Route.SCOPE_UNIVERSE, RTN_UNICAST));
        }

        @Test
        void ipv4InAnotherTable() {
            assertThat(decode("route-v4-table100")).isEqualTo(new Route(IpNet.parse("10.9.0.0/16"), ip("10.1.0.254"), BR0,
                    100, 0, false, false, null, RTPROT_BOOT, Route.SCOPE_UNIVERSE, RTN_UNICAST));
        }

        @Test
        void ipv4Onlink() {
            assertThat(decode("route-v4-onlink")).isEqualTo(new Route(IpNet.parse("10.8.0.0/16"), ip("192.168.77.1"), BR0,
                    RT_TABLE_MAIN, 0, true, false, null, RTPROT_BOOT, Route.SCOPE_UNIVERSE, RTN_UNICAST));
        }

        @Test
        void ipv4ConnectedRouteOfAnAddress() {
            assertThat(decode("route-v4-connected")).isEqualTo(new Route(IpNet.parse("10.1.0.0/24"), null, BR0,
                    RT_TABLE_MAIN, 0, false, false, ip("10.1.0.1"), RTPROT_KERNEL, Route.SCOPE_LINK, RTN_UNICAST));
        }

        @Test
        void ipv4LocalRoute() {
            assertThat(decode("route-v4-local")).isEqualTo(new Route(IpNet.parse("10.1.0.1/32"), null, BR0,
                    RT_TABLE_LOCAL, 0, false, false, ip("10.1.0.1"), RTPROT_KERNEL, Route.SCOPE_HOST, RTN_LOCAL));
        }

        @Test
        void ipv6ConnectedWithTheKernelsMetric() {
            assertThat(decode("route-v6-connected")).isEqualTo(new Route(IpNet.parse("fd00::/64"), null, BR0,
                    RT_TABLE_MAIN, 256, false, true, null, RTPROT_KERNEL, Route.SCOPE_UNIVERSE, RTN_UNICAST));
        }

        @Test
        void ipv6Default() {
            Route r = decode("route-v6-default");
            assertThat(r).isEqualTo(new Route(null, ip("fd00::fe"), BR0, RT_TABLE_MAIN, 1024, false, true, null,
                    RTPROT_BOOT, Route.SCOPE_UNIVERSE, RTN_UNICAST));
            assertThat(r.isDefault()).isTrue();
            assertThat(r).hasToString("default via fd00::fe dev #2 metric 1024");
        }

        @Test
        void ipv4MappedIpv6DestinationStaysIpv6() throws Exception {
            var mappedAny = IpAddress.of(HexFormat.of().parseHex("00000000000000000000ffff00000000"));
            Route r = decode("route-v6-mapped");
            assertThat(r).isEqualTo(new Route(new IpNet(mappedAny, 96), null, BR0, RT_TABLE_MAIN, 1024, false, true, null,
                    RTPROT_BOOT, Route.SCOPE_UNIVERSE, RTN_UNICAST));
            assertThat(r.destination()).hasToString("::ffff:0.0.0.0/96");
        }

        @Test
        void otherMessagesAreNotRoutes() {
            assertThat(RouteCodec.decode(HexFixture.message("kernel/neigh-v4-permanent.hex"))).isNull();
        }
    }

    @Nested
    class EncodingLikeIproute2 {
        /** netmgr always names the table in RTA_TABLE (rtm_table has 8 bits); iproute2 only for tables above 255. */
        private static final RequestComparison ROUTE = RequestComparison.withStruct(RTMSG_LEN)
                .onlyOurs("15", "RTA_TABLE always, iproute2 only when rtm_table cannot hold the table");

        @Test
        void defaultViaGatewayWithMetric() {
            ROUTE.assertSameAs(asExecuted(RouteCodec.add(Route.defaultVia(ip("10.1.0.254"), BR0).withMetric(100))),
                    HexFixture.read("iproute2/route-add-default.hex"), "ip route add default via ... metric 100");
        }

        @Test
        void inAnotherTable() {
            Route r = Route.via(IpNet.parse("10.9.0.0/16"), ip("10.1.0.254"), BR0).withTable(100);
            ROUTE.assertSameAs(asExecuted(RouteCodec.add(r)), HexFixture.read("iproute2/route-add-table.hex"),
                    "ip route add ... table 100");
        }

        @Test
        void onlink() {
            Route r = Route.via(IpNet.parse("10.8.0.0/16"), ip("192.168.77.1"), BR0).withOnlink(true);
            ROUTE.assertSameAs(asExecuted(RouteCodec.add(r)), HexFixture.read("iproute2/route-add-onlink.hex"),
                    "ip route add ... onlink");
        }
    }

    @Nested
    class EncodingByTheHeaders {
        @Test
        void ipv6DirectRouteInATableAbove255() {
            Route r = Route.direct(IpNet.parse("fd00:1::/64"), BR0).withTable(1000).withMetric(300);
            assertThat(RouteCodec.add(r).toBytes(6)).isEqualTo(HexFixture.read("expected/route-add-v6-table1000.hex"));
        }

        @Test
        void deleteMatchesAnyProtocolAndScope() {
            Route r = Route.defaultVia(ip("10.1.0.254"), BR0).withMetric(100);
            assertThat(RouteCodec.delete(r).toBytes(7)).isEqualTo(HexFixture.read("expected/route-del-default.hex"));
        }
    }
}
