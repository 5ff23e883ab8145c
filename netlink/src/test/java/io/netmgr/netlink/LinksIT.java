package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Macvlan;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Link operations against the kernel, each result read back with {@code ip -j}. */
class LinksIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void createsBridgeAndListsIt() {
        NetNs ns = netns.create("links");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            Link br = h.links().add(Bridge.named("br-test"));
            assertThat(br).isInstanceOf(Bridge.class);
            assertThat(h.links().list()).extracting(Link::name).contains("lo", "br-test");
            assertThat(h.links().get(br.index()).name()).isEqualTo("br-test");
            JsonNode shown = ip(ns, "-d", "link", "show", "br-test").get(0);
            assertThat(shown.get("ifindex").asInt()).isEqualTo(br.index());
            assertThat(shown.at("/linkinfo/info_kind").asText()).isEqualTo("bridge");
        }
    }

    @Test
    void setsUpMtuMacMasterAndRename() {
        NetNs ns = netns.create("links");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Bridge.named("br0"));
            h.links().add(Veth.pair("v0", "v0p"));
            MacAddress mac = MacAddress.parse("02:42:ac:11:00:07");
            h.links().setMtu("v0", 1400);
            h.links().setMac("v0", mac);
            h.links().setMaster("v0", "br0");
            h.links().setUp("v0");
            h.links().rename("v0p", "renamed");

            JsonNode v0 = ip(ns, "link", "show", "v0").get(0);
            assertThat(v0.get("mtu").asInt()).isEqualTo(1400);
            assertThat(v0.get("address").asText()).isEqualTo("02:42:ac:11:00:07");
            assertThat(v0.get("master").asText()).isEqualTo("br0");
            assertThat(v0.get("flags").toString()).contains("\"UP\"");
            assertThat(ip(ns, "link", "show", "renamed")).hasSize(1);

            Link read = h.links().get("v0");
            assertThat(read.attrs().mtu()).isEqualTo(1400);
            assertThat(read.attrs().mac()).isEqualTo(mac);
            assertThat(read.attrs().masterIndex()).isEqualTo(h.links().get("br0").index());
            assertThat(read.attrs().up()).isTrue();

            h.links().clearMaster("v0");
            h.links().setDown("v0");
            JsonNode after = ip(ns, "link", "show", "v0").get(0);
            assertThat(after.has("master")).isFalse();
            assertThat(after.get("flags").toString()).doesNotContain("\"UP\"");
        }
    }

    @Test
    void vethPeerIsCreatedInAnotherNamespaceAndMovedBack() {
        NetNs a = netns.create("a");
        NetNs b = netns.create("b");
        try (NetlinkHandle ha = NetlinkHandle.open(a); NetlinkHandle hb = NetlinkHandle.open(b)) {
            ha.links().add(Veth.pair("va", "vb").withPeerIn(b));
            assertThat(hb.links().exists("vb")).isTrue();
            assertThat(ha.links().exists("vb")).isFalse();
            assertThat(ip(b, "-d", "link", "show", "vb").get(0).at("/linkinfo/info_kind").asText()).isEqualTo("veth");

            hb.links().moveTo("vb", a, "eth7");
            assertThat(ha.links().exists("eth7")).isTrue();
            assertThat(ip(b, "link", "show")).noneMatch(l -> l.get("ifname").asText().equals("vb"));
        }
    }

    @Test
    void vxlanCarriesItsSettings() {
        NetNs ns = netns.create("vx");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("under", "under-p"));
            h.addresses().add("under", IpNet.parse("192.0.2.1/24"));
            int under = h.links().get("under").index();
            Vxlan vx = Vxlan.of("vx42", 42).withLocal(IpAddress.parse("192.0.2.1").toInetAddress())
                    .withRemote(IpAddress.parse("192.0.2.2").toInetAddress()).withPort(4790).withLearning(false)
                    .withProxy(true).withTtl(16).withUnderlay(under);
            Vxlan made = (Vxlan) h.links().add(vx);
            assertThat(made.vni()).isEqualTo(42);
            assertThat(made.port()).isEqualTo(4790);
            assertThat(made.learning()).isFalse();
            assertThat(made.proxy()).isTrue();
            assertThat(made.ttl()).isEqualTo(16);
            assertThat(made.underlayIndex()).isEqualTo(under);
            assertThat(made.remote().getHostAddress()).isEqualTo("192.0.2.2");

            JsonNode data = ip(ns, "-d", "link", "show", "vx42").get(0).at("/linkinfo/info_data");
            assertThat(data.get("id").asInt()).isEqualTo(42);
            assertThat(data.get("remote").asText()).isEqualTo("192.0.2.2");
            assertThat(data.get("local").asText()).isEqualTo("192.0.2.1");
            assertThat(data.get("port").asInt()).isEqualTo(4790);
            assertThat(data.get("ttl").asInt()).isEqualTo(16);
            assertThat(data.get("learning").asBoolean()).isFalse();
            assertThat(data.get("proxy").asBoolean()).isTrue();
            assertThat(data.get("link").asText()).isEqualTo("under");
        }
    }

    @Test
    void macvlanChildOfParentInBridgeMode() {
        NetNs ns = netns.create("mv");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("parent", "parent-p"));
            int parent = h.links().get("parent").index();
            Macvlan mv = (Macvlan) h.links().add(Macvlan.on("mv0", parent, Macvlan.Mode.BRIDGE));
            assertThat(mv.parentIndex()).isEqualTo(parent);
            assertThat(mv.mode()).isEqualTo(Macvlan.Mode.BRIDGE);
            JsonNode shown = ip(ns, "-d", "link", "show", "mv0").get(0);
            assertThat(shown.get("link").asText()).isEqualTo("parent");
            assertThat(shown.at("/linkinfo/info_data/mode").asText()).isEqualTo("bridge");
        }
    }

    @Test
    void bridgePortHairpinAndLearning() {
        NetNs ns = netns.create("port");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Bridge.named("br0"));
            h.links().add(Veth.pair("p0", "p0x"));
            h.links().setMaster("p0", "br0");
            h.links().setHairpin("p0", true);
            h.links().setLearning("p0", false);
            JsonNode port = io.netmgr.netlink.testing.IpOracle.bridge(ns, "-d", "link", "show", "dev", "p0").get(0);
            assertThat(port.get("hairpin").asBoolean()).isTrue();
            assertThat(port.get("learning").asBoolean()).isFalse();
        }
    }

    @Test
    void deleteRemovesLinkAndDeleteIfExistsIsIdempotent() {
        NetNs ns = netns.create("del");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("d0", "d1"));
            h.links().delete("d0");
            assertThat(h.links().exists("d1")).isFalse(); // the peer goes with it
            assertThat(h.links().deleteIfExists("d0")).isFalse();
            assertThat(ip(ns, "link", "show")).extracting(l -> l.get("ifname").asText()).containsExactly("lo");
        }
    }
}
