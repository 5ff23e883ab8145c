package io.netmgr.cni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.cni.CniError;
import io.netmgr.cni.CniRequest;
import io.netmgr.cni.command.Attachment;
import io.netmgr.netlink.addr.IpAddress;
import org.junit.jupiter.api.Test;

class NetConfTest {

    private static CniError refusal(String json) {
        try {
            NetConf.parse(json);
        } catch (CniError e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void readsAHostLocalShapedConfiguration() {
        NetConf c = NetConf.parse("""
                {"cniVersion":"1.0.0","name":"front","type":"netmgr","bridge":"br-front","ipMasq":true,"mtu":1400,
                 "hairpinMode":true,"isGateway":true,
                 "ipam":{"type":"host-local","ranges":[[{"subnet":"10.30.0.0/24","gateway":"10.30.0.254"}],[{"subnet":"fd00:30::/64"}]],
                         "routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.30.0.9"}]},
                 "dns":{"nameservers":["10.30.0.1"]},
                 "runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"TCP","hostIP":"127.0.0.1"}],
                                  "ips":["10.30.0.7/24"],"mac":"02:00:00:00:00:07"}}""");
        assertThat(c.name()).isEqualTo("front");
        assertThat(c.driver()).isEqualTo("bridge");
        assertThat(c.driverOptions()).containsEntry("bridge.name", "br-front").containsEntry("masquerade", "true")
                .containsEntry("hairpin", "true").containsEntry("bridge.gateway", "true");
        assertThat(c.ranges()).hasSize(2);
        assertThat(c.ranges().get(0).subnet()).hasToString("10.30.0.0/24");
        assertThat(c.ranges().get(0).gateway().orElseThrow()).hasToString("10.30.0.254");
        assertThat(c.routes()).hasSize(2);
        assertThat(c.routes().get(0).isDefault()).isTrue();
        assertThat(c.routes().get(1)).isEqualTo(io.netmgr.core.endpoint.EndpointRoute.of("192.168.0.0/16", "10.30.0.9"));
        assertThat(c.mtu()).isEqualTo(1400);
        assertThat(c.runtimeConfig().portMappings()).containsExactly(
                new NetConf.PortMapping(8080, 80, "tcp", java.util.Optional.of("127.0.0.1")));
        assertThat(c.runtimeConfig().ips()).containsExactly(IpAddress.parse("10.30.0.7"));
        assertThat(c.runtimeConfig().mac()).contains("02:00:00:00:00:07");
        assertThat(c.resultDns()).containsKey("nameservers");
    }

    @Test
    void aPortMappingOfAnotherProtocolIsRefusedNamingItsField() {
        assertThat(refusal("""
                {"cniVersion":"1.1.0","name":"n","type":"netmgr","runtimeConfig":{"portMappings":[
                 {"hostPort":8080,"containerPort":80,"protocol":"udp"},{"hostPort":8080,"containerPort":80,"protocol":"sctp"}]}}""")
                .getMessage()).isEqualTo("runtimeConfig.portMappings[1].protocol \"sctp\": netmgr publishes tcp or udp ports");
    }

    @Test
    void topLevelSubnetAndRuntimeIpRanges() {
        assertThat(NetConf.parse("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"netmgr\",\"subnet\":\"10.1.0.0/16\"}").ranges().get(0).subnet())
                .hasToString("10.1.0.0/16");
        NetConf c = NetConf.parse("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"netmgr\",\"subnet\":\"10.1.0.0/16\","
                + "\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.2.0.0/24\"}]]}}");
        assertThat(c.ranges().get(0).subnet()).hasToString("10.2.0.0/24");
    }

    private static String withRanges(String ranges) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"netmgr\",\"ipam\":{\"type\":\"host-local\",\"ranges\":" + ranges + "}}";
    }

    @Test
    void rangeStartAndEndAndSeveralRangesPerSet() {
        NetConf c = NetConf.parse(withRanges("""
                [[{"subnet":"10.9.0.0/24","rangeStart":"10.9.0.100","rangeEnd":"10.9.0.110"},
                  {"subnet":"10.9.0.0/24","rangeStart":"10.9.0.200"}],
                 [{"subnet":"10.8.0.0/24"}],
                 [{"subnet":"fd00:9::/64","rangeEnd":"fd00:9::ff"}]]"""));
        assertThat(c.ranges()).hasSize(3);
        assertThat(c.ranges().get(0).addressRanges()).extracting(Object::toString)
                .containsExactly("10.9.0.100-10.9.0.110", "10.9.0.200-10.9.0.254");
        assertThat(c.ranges().get(1).addressRanges()).as("a whole subnet").isEmpty();
        assertThat(c.ranges().get(2).addressRanges()).extracting(Object::toString).containsExactly("fd00:9::1-fd00:9::ff");
    }

    @Test
    void badRangesNameTheField() {
        assertThat(refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24","rangeStart":"10.9.0.50","rangeEnd":"10.9.0.10"}]]""")).getMessage())
                .isEqualTo("ipam.ranges[0][0].rangeStart 10.9.0.50 comes after ipam.ranges[0][0].rangeEnd 10.9.0.10; "
                        + "give the lower address as rangeStart");
        assertThat(refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24","rangeEnd":"10.9.1.10"}]]""")).getMessage())
                .isEqualTo("ipam.ranges[0][0].rangeEnd 10.9.1.10 is outside ipam.ranges[0][0].subnet 10.9.0.0/24");
        assertThat(refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24","rangeStart":"10.9.0.0"}]]""")).getMessage())
                .startsWith("ipam.ranges[0][0].rangeStart 10.9.0.0 is the network address of 10.9.0.0/24");
        assertThat(refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24","gateway":"10.9.0.7","rangeStart":"10.9.0.7","rangeEnd":"10.9.0.7"}]]""")).getMessage())
                .startsWith("ipam.ranges[0][0]: rangeStart and rangeEnd are both the gateway 10.9.0.7");
        assertThat(refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24","rangeStart":"10.9.0.5","rangeEnd":"10.9.0.9"},
                  {"subnet":"10.9.0.0/24","rangeStart":"10.9.0.9","rangeEnd":"10.9.0.20"}]]""")).getMessage())
                .startsWith("ipam.ranges[0][1] (10.9.0.9-10.9.0.20) overlaps ipam.ranges[0][0] (10.9.0.5-10.9.0.9)");
        assertThat(refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24"}],[{"subnet":"10.9.0.0/25"}]]""")).getMessage())
                .startsWith("ipam.ranges[1][0].subnet 10.9.0.0/25 overlaps ipam.ranges[0][0].subnet 10.9.0.0/24");
        CniError twoSubnets = refusal(withRanges("""
                [[{"subnet":"10.9.0.0/24"},{"subnet":"10.7.0.0/24"}]]"""));
        assertThat(twoSubnets.code()).isEqualTo(CniError.UNSUPPORTED_FIELD);
        assertThat(twoSubnets.getMessage()).startsWith("ipam.ranges[0][1].subnet 10.7.0.0/24 differs from ipam.ranges[0][0].subnet");
    }

    @Test
    void isGatewayFalseAndArgsCni() {
        NetConf c = NetConf.parse("""
                {"cniVersion":"1.1.0","name":"n","type":"netmgr","isGateway":false,"args":{"cni":{"ips":["10.1.0.9/24"],"mac":"02:00:00:00:00:09"}}}""");
        assertThat(c.driverOptions()).containsEntry("bridge.gateway", "false");
        assertThat(c.args().ips()).containsExactly(IpAddress.parse("10.1.0.9"));
        assertThat(c.args().mac()).contains("02:00:00:00:00:09");
        // CNI's defaults, not Docker's: no masquerade, no hairpin
        assertThat(NetConf.parse("""
                {"cniVersion":"1.1.0","name":"n","type":"netmgr"}""").driverOptions()).doesNotContainKey("bridge.gateway")
                .containsEntry("masquerade", "false").containsEntry("hairpin", "false");
    }

    private static String withBandwidth(String bandwidth) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"netmgr\",\"runtimeConfig\":{\"bandwidth\":" + bandwidth + "}}";
    }

    @Test
    void bandwidthInBitsBecomesTbfsInBytesWithTheReferencesLatency() {
        io.netmgr.core.endpoint.Bandwidth b = NetConf.parse(withBandwidth("""
                {"ingressRate":8000000,"ingressBurst":262144,"egressRate":16000000000,"egressBurst":80000}""")).runtimeConfig().bandwidth();
        assertThat(b.ingressLimit().orElseThrow().tbf()).isEqualTo(new io.netmgr.netlink.qdisc.Tbf(1_000_000, 32_768, 25_000 + 32_768));
        assertThat(b.egressLimit().orElseThrow().tbf()).isEqualTo(new io.netmgr.netlink.qdisc.Tbf(2_000_000_000L, 10_000,
                50_000_000 + 10_000));
        // a direction without rate and burst (or with both 0) is not shaped
        io.netmgr.core.endpoint.Bandwidth one = NetConf.parse(withBandwidth("{\"egressRate\":0,\"ingressRate\":8000,\"ingressBurst\":12000}"))
                .runtimeConfig().bandwidth();
        assertThat(one.egressLimit()).isEmpty();
        assertThat(one.ingressLimit()).isPresent();
        assertThat(NetConf.parse(withBandwidth("{}")).runtimeConfig().bandwidth().isEmpty()).isTrue();
        assertThat(NetConf.parse("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"netmgr\"}").runtimeConfig().bandwidth().isEmpty()).isTrue();
    }

    @Test
    void bandwidthNonsenseIsRefusedNamingTheField() {
        String[][] cases = {
                {"{\"ingressRate\":1000}", "runtimeConfig.bandwidth.ingressBurst is missing: runtimeConfig.bandwidth.ingressRate 1000 needs a burst"},
                {"{\"egressBurst\":12000}", "runtimeConfig.bandwidth.egressRate is missing"},
                {"{\"ingressRate\":-8,\"ingressBurst\":12000}", "runtimeConfig.bandwidth.ingressRate -8 is negative"},
                {"{\"ingressRate\":\"1mbit\",\"ingressBurst\":12000}", "runtimeConfig.bandwidth.ingressRate must be a whole number"},
                {"{\"ingressRate\":1.5,\"ingressBurst\":12000}", "runtimeConfig.bandwidth.ingressRate must be a whole number"},
                {"{\"egressRate\":7,\"egressBurst\":12000}", "runtimeConfig.bandwidth.egressRate 7 bit/s is below 8 bit/s"},
                {"{\"egressRate\":8000,\"egressBurst\":4}", "runtimeConfig.bandwidth.egressBurst 4 bits is less than one byte"},
                {"{\"ingressRate\":8000000,\"ingressBurst\":40000000000}",
                        "runtimeConfig.bandwidth.ingressRate 8000000 with runtimeConfig.bandwidth.ingressBurst 40000000000 cannot be shaped"},
                {"{\"ingressRate\":8000,\"ingressBurst\":8000000}", "tbf holds at most 274 s"},
                {"{\"ingressRate\":8000000,\"ingressBurst\":12000,\"shapedSubnets\":[\"10.0.0.0/8\"]}",
                        "runtimeConfig.bandwidth.shapedSubnets is not supported"},
                {"\"fast\"", "runtimeConfig.bandwidth must be an object"}};
        for (String[] c : cases) {
            assertThat(refusal(withBandwidth(c[0])).getMessage()).as(c[0]).contains(c[1]);
        }
        assertThat(refusal(withBandwidth("{\"ingressRate\":1000}")).code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
        assertThat(refusal(withBandwidth("{\"unshapedSubnets\":[]}")).code()).isEqualTo(CniError.UNSUPPORTED_FIELD);
        CniError macvlan = refusal("""
                {"cniVersion":"1.1.0","name":"n","type":"netmgr","driver":"macvlan","master":"eth0",
                 "runtimeConfig":{"bandwidth":{"ingressRate":8000000,"ingressBurst":12000}}}""");
        assertThat(macvlan.code()).isEqualTo(CniError.UNSUPPORTED_FIELD);
        assertThat(macvlan.getMessage()).contains("runtimeConfig.bandwidth works on a driver that can shape traffic (bridge), not macvlan");
    }

    @Test
    void requestedAddressesFromEverySourceAddUpAndMustLieInARange() {
        NetConf c = NetConf.parse("""
                {"cniVersion":"1.1.0","name":"n","type":"netmgr","args":{"cni":{"ips":["fd00:9::5"]}},
                 "ipam":{"ranges":[[{"subnet":"10.9.0.0/24","rangeStart":"10.9.0.100"}],[{"subnet":"fd00:9::/64"}]]}}""");
        RequestedAddresses r = RequestedAddresses.of(c, request("IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.9.0.150;MAC=02:00:00:00:00:01"));
        assertThat(r.ips()).containsExactly(IpAddress.parse("fd00:9::5"), IpAddress.parse("10.9.0.150"));
        assertThat(r.mac()).contains("02:00:00:00:00:01");
        assertThatThrownBy(() -> RequestedAddresses.of(c, request("IP=10.9.0.50"))).isInstanceOf(CniError.class)
                .hasMessage("CNI_ARGS IP 10.9.0.50 is in no range of the configuration (10.9.0.100-10.9.0.254 of 10.9.0.0/24; "
                        + "fd00:9::/64); ask for an address inside one");
        assertThatThrownBy(() -> RequestedAddresses.of(c, request("K8S_POD_NAME=x"))).isInstanceOf(CniError.class)
                .hasMessage("CNI_ARGS: unknown key K8S_POD_NAME; netmgr reads IP, MAC and NETMGR_SERVICE (add IgnoreUnknown=1 to pass others)");
        assertThatThrownBy(() -> RequestedAddresses.of(c, request("IP=fd00:9::6"))).isInstanceOf(CniError.class)
                .hasMessageContaining("asked for 2 IPv6 addresses (fd00:9::5 from args.cni.ips, fd00:9::6 from CNI_ARGS IP)");
        assertThat(RequestedAddresses.of(c, request("IP=fd00:9::5")).ips()).as("the same address twice").containsExactly(IpAddress.parse("fd00:9::5"));
    }

    private static CniRequest request(String cniArgs) {
        return new CniRequest(java.util.Map.of("CNI_ARGS", cniArgs), "");
    }

    @Test
    void macvlanNeedsAMasterAndDriverKeysStayWithTheirDriver() {
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"type\":\"netmgr\",\"driver\":\"macvlan\"}").getMessage())
                .contains("driver macvlan needs \"master\" (its option parent of the network)");
        NetConf m = NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"type\":\"netmgr\",\"driver\":\"macvlan\",\"master\":\"eth1\",\"mode\":\"vepa\"}");
        assertThat(m.driverOptions()).isEqualTo(java.util.Map.of("parent", "eth1", "macvlan.mode", "vepa"));
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"type\":\"netmgr\",\"driver\":\"macvlan\",\"master\":\"eth1\",\"isGateway\":false}")
                .getMessage()).isEqualTo("isGateway applies to driver bridge only, not macvlan; drop the field");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"type\":\"netmgr\",\"master\":\"eth1\"}").getMessage())
                .isEqualTo("master applies to driver macvlan only, not bridge; drop the field");
        CniError host = refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"h\",\"type\":\"netmgr\",\"driver\":\"host\"}");
        assertThat(host.code()).isEqualTo(CniError.UNSUPPORTED_FIELD);
        assertThat(host.getMessage()).isEqualTo("driver \"host\" is not supported; use bridge or macvlan or overlay");
    }

    @Test
    void anOverlayConfigurationNamesItsClusterWideNetworkAndVni() {
        NetConf o = NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"type\":\"netmgr\",\"driver\":\"overlay\","
                + "\"network\":\"cluster-pods\",\"vni\":\"4242\",\"subnet\":\"10.244.0.0/16\"}");
        assertThat(o.name()).as("the netmgr network every node's configuration shares").isEqualTo("cluster-pods");
        assertThat(o.driverOptions()).isEqualTo(java.util.Map.of("vxlan.id", "4242"));
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"p\",\"type\":\"netmgr\",\"driver\":\"overlay\",\"network\":\"bad name\"}")
                .getMessage()).isEqualTo("network \"bad name\" is not a valid network name: use 1 to 64 letters, digits, '_', '.' or '-'");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"type\":\"netmgr\",\"vni\":\"7\"}").getMessage())
                .isEqualTo("vni applies to driver overlay only, not bridge; drop the field");
        // a number, as CNI configurations write one, is the option's value (it was refused as "not a string")
        NetConf numbered = NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"type\":\"netmgr\",\"driver\":\"overlay\","
                + "\"network\":\"cluster-pods\",\"vni\":4242,\"vxlanPort\":8472}");
        assertThat(numbered.driverOptions()).isEqualTo(java.util.Map.of("vxlan.id", "4242", "vxlan.port", "8472"));
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"p\",\"type\":\"netmgr\",\"driver\":\"overlay\",\"vni\":4.5}")
                .getMessage()).contains("vni must be a string or a whole number");
        // "encrypted" is the overlay's, passed on for the driver to refuse; it was ignored, and the network made unencrypted
        NetConf encrypted = NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"type\":\"netmgr\",\"driver\":\"overlay\","
                + "\"encrypted\":true}");
        assertThat(encrypted.driverOptions()).isEqualTo(java.util.Map.of("encrypted", "true"));
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"type\":\"netmgr\",\"encrypted\":true}").getMessage())
                .isEqualTo("encrypted applies to driver overlay only, not bridge; drop the field");
        // a number stays refused where the option is no number
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"type\":\"netmgr\",\"hairpinMode\":1}").getMessage())
                .contains("hairpinMode must be a string or true or false");
    }

    @Test
    void badInputIsRefusedWithTheSpecCodeAndTheField() {
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":").code()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(refusal("[1]").code()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(refusal("{\"cniVersion\":\"2.0.0\",\"name\":\"n\",\"type\":\"netmgr\"}").code()).isEqualTo(CniError.INCOMPATIBLE_VERSION);
        CniError noName = refusal("{\"cniVersion\":\"1.0.0\"}");
        assertThat(noName.code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
        assertThat(noName.getMessage()).contains("name");
        CniError subnet = refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\",\"ipam\":{\"ranges\":[[{\"subnet\":\"10.0.0.300/24\"}]]}}");
        assertThat(subnet.code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
        assertThat(subnet.getMessage()).contains("ipam.ranges[0][0].subnet").contains("300");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\",\"subnet\":\"10.0.0.5/24\"}").getMessage())
                .contains("host bits").contains("10.0.0.0/24");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\",\"mtu\":\"big\"}").getMessage()).contains("mtu must be a whole number");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\",\"ipam\":{\"type\":\"dhcp\"}}").code())
                .isEqualTo(CniError.UNSUPPORTED_FIELD);
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":0,\"containerPort\":80}]}}")
                .getMessage()).contains("runtimeConfig.portMappings[0].hostPort");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"bad name\",\"type\":\"netmgr\"}").getMessage()).contains("bad name");
    }

    @Test
    void readsValidAttachmentsAndPrevResult() {
        NetConf c = NetConf.parse("""
                {"cniVersion":"1.1.0","name":"n","type":"netmgr","cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"}],
                 "prevResult":{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/x"}],
                               "ips":[{"version":"4","address":"10.0.0.2/24","interface":0}]}}""");
        assertThat(c.validAttachments().orElseThrow()).containsExactly(new NetConf.AttachmentId("c1", "eth0"));
        assertThat(c.prevResult().orElseThrow().ips().get(0).interfaceIndex()).contains(0);
    }

    @Test
    void attachmentNamesAreShortStableAndDistinct() {
        Attachment a = new Attachment("cnibench-1a2b-17", "eth0");
        assertThat(a.endpointName()).isEqualTo("cni-cnibench-1a2b-17-eth0");
        String long1 = "0123456789ab".repeat(5) + "cdef";
        String long2 = "0123456789ab".repeat(5) + "cdee";
        assertThat(new Attachment(long1, "eth0").sandboxName()).startsWith("cni-0123456789ab.").hasSizeLessThanOrEqualTo(28);
        assertThat(new Attachment(long1, "eth0").sandboxName()).isNotEqualTo(new Attachment(long2, "eth0").sandboxName());
        assertThatThrownBy(() -> new Attachment("a/b", "eth0")).isInstanceOf(CniError.class).hasMessageContaining("CNI_CONTAINERID");
        assertThatThrownBy(() -> new Attachment("c", "a-name-longer-than-15")).hasMessageContaining("CNI_IFNAME");
    }

    private static String minimal(String more) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"netmgr\"" + more + "}";
    }

    @Test
    void whatUsedToBeAcceptedSilentlyIsRefusedNamingTheField() {
        assertThat(refusal("{\"name\":\"n\",\"cniVersion\":\"1.1.0\"}").getMessage()).isEqualTo("type is missing; it is required");
        assertThat(refusal(minimal(",\"capabilities\":\"x\"")).getMessage()).contains("capabilities must be an object");
        CniError empty = refusal(minimal(",\"ipam\":{\"type\":\"host-local\",\"ranges\":[]}"));
        assertThat(empty.code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
        assertThat(empty.getMessage()).startsWith("ipam.ranges is empty");
        assertThat(refusal(minimal(",\"firewall\":\"bogus\"")).getMessage())
                .isEqualTo("unknown firewall \"bogus\" in the configuration's \"firewall\": choose nftables (the default), iptables or none");
        assertThat(refusal(minimal(",\"ipam\":{\"subnet\":\"10.1.0.0/24\",\"gateway\":\"10.9.0.1\"}")).getMessage())
                .isEqualTo("ipam.gateway 10.9.0.1 is outside ipam.subnet 10.1.0.0/24");
    }

    @Test
    void aPrevResultIsCheckedBeforeItIsCopiedIntoOurs() {
        assertThat(refusal(minimal(",\"prevResult\":{\"ips\":[{\"address\":\"zz\"}]}")).getMessage())
                .startsWith("bad prevResult.ips[0].address \"zz\"");
        assertThat(refusal(minimal(",\"prevResult\":{\"ips\":[{\"address\":\"10.1.0.5\"}]}")).getMessage())
                .contains("is not an address with a prefix length");
        assertThat(refusal(minimal(",\"prevResult\":{\"interfaces\":[{\"name\":\"eth0\"}],"
                + "\"ips\":[{\"address\":\"10.1.0.5/24\",\"interface\":3}]}")).getMessage())
                .isEqualTo("prevResult.ips[0].interface 3 names no interface: prevResult.interfaces has 1, numbered from 0");
    }

    @Test
    void deepNestingIsADecodingFailureNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        CniError e = refusal(minimal(",\"x\":" + deep));
        assertThat(e.code()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(e.getMessage()).contains("nested deeper than 400 levels");
        assertThat(NetConf.parse(minimal(",\"x\":" + "[".repeat(399) + "]".repeat(399))).name()).isEqualTo("n");
    }
}
