package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.route.Route;
import io.netmgr.netlink.testing.TestNamespaces;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Addresses and routes against the kernel, checked with {@code ip -j}. */
class AddressesRoutesIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void addsListsAndDeletesIpv4AndIpv6Addresses() {
        NetNs ns = netns.create("addr");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("e0", "e0p"));
            int e0 = h.links().get("e0").index();
            h.addresses().add("e0", IpNet.parse("10.9.0.2/24"));
            h.addresses().add(Address.of(e0, IpNet.parse("fd00:9::2/64")).withFlags(Address.NODAD));

            assertThat(h.addresses().list("e0")).extracting(a -> a.ip().toString())
                    .contains("10.9.0.2/24", "fd00:9::2/64");
            List<String> shown = new ArrayList<>();
            for (JsonNode a : ip(ns, "addr", "show", "dev", "e0").get(0).get("addr_info")) {
                shown.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt());
                if (a.get("family").asText().equals("inet")) {
                    assertThat(a.get("broadcast").asText()).isEqualTo("10.9.0.255");
                }
            }
            assertThat(shown).contains("10.9.0.2/24", "fd00:9::2/64");

            h.addresses().delete("e0", IpNet.parse("10.9.0.2/24"));
            h.addresses().delete("e0", IpNet.parse("fd00:9::2/64"));
            assertThat(h.addresses().list(e0)).noneMatch(a -> a.ip().toString().startsWith("10.9.")
                    || a.ip().toString().startsWith("fd00:9:"));
        }
    }

    @Test
    void routesWithGatewayMetricTableOnlinkAndDefault() {
        NetNs ns = netns.create("route");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("r0", "r0p"));
            h.links().setUp("r0p");
            h.links().setUp("r0");
            int r0 = h.links().get("r0").index();
            h.addresses().add("r0", IpNet.parse("10.8.0.2/24"));
            var gw = IpAddress.parse("10.8.0.1").toInetAddress();

            h.routes().add(Route.defaultVia(gw, r0));
            h.routes().add(Route.via(IpNet.parse("10.50.0.0/16"), gw, r0).withMetric(77));
            h.routes().add(Route.direct(IpNet.parse("10.60.0.0/16"), r0).withTable(100));
            h.routes().add(Route.via(IpNet.parse("10.70.0.0/16"), IpAddress.parse("172.31.9.9").toInetAddress(), r0).withOnlink(true));

            JsonNode main = ip(ns, "route", "show");
            assertThat(main.toString()).contains("\"dst\":\"default\",\"gateway\":\"10.8.0.1\"");
            assertThat(find(main, "10.50.0.0/16").get("metric").asInt()).isEqualTo(77);
            assertThat(find(main, "10.70.0.0/16").get("flags").toString()).contains("onlink");
            assertThat(find(ip(ns, "route", "show", "table", "100"), "10.60.0.0/16").get("dev").asText()).isEqualTo("r0");

            List<Route> listed = h.routes().list();
            assertThat(listed).anyMatch(r -> r.isDefault() && gw.equals(r.gateway()) && r.linkIndex() == r0);
            assertThat(listed).anyMatch(r -> !r.isDefault() && r.destination().toString().equals("10.50.0.0/16") && r.metric() == 77);
            assertThat(h.routes().list(100)).singleElement().satisfies(r -> assertThat(r.destination().toString()).isEqualTo("10.60.0.0/16"));

            h.routes().delete(Route.via(IpNet.parse("10.50.0.0/16"), gw, r0).withMetric(77));
            h.routes().delete(Route.defaultVia(gw, r0));
            assertThat(ip(ns, "route", "show").toString()).doesNotContain("10.50.0.0").doesNotContain("default");
        }
    }

    @Test
    void ipv6DefaultRoute() {
        NetNs ns = netns.create("route6");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("s0", "s0p"));
            h.links().setUp("s0p");
            h.links().setUp("s0");
            int s0 = h.links().get("s0").index();
            h.addresses().add(Address.of(s0, IpNet.parse("fd00:8::2/64")).withFlags(Address.NODAD));
            h.routes().add(Route.defaultVia(IpAddress.parse("fd00:8::1").toInetAddress(), s0));
            assertThat(ip(ns, "-6", "route", "show", "default").get(0).get("gateway").asText()).isEqualTo("fd00:8::1");
            assertThat(h.routes().list()).anyMatch(r -> r.ipv6() && r.isDefault());
        }
    }

    private static JsonNode find(JsonNode routes, String dst) {
        for (JsonNode r : routes) {
            if (r.get("dst").asText().equals(dst)) {
                return r;
            }
        }
        throw new AssertionError("no route to " + dst + " in " + routes);
    }
}
