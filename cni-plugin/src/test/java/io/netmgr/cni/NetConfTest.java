package io.netmgr.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(c.bridge()).contains("br-front");
        assertThat(c.ranges()).hasSize(2);
        assertThat(c.ranges().get(0).subnet()).hasToString("10.30.0.0/24");
        assertThat(c.ranges().get(0).gateway().orElseThrow()).hasToString("10.30.0.254");
        assertThat(c.routes()).hasSize(2);
        assertThat(c.routes().get(0).isDefault()).isTrue();
        assertThat(c.mtu()).isEqualTo(1400);
        assertThat(c.ipMasq()).isTrue();
        assertThat(c.hairpinMode()).isTrue();
        assertThat(c.runtimeConfig().portMappings()).containsExactly(
                new NetConf.PortMapping(8080, 80, "tcp", java.util.Optional.of("127.0.0.1")));
        assertThat(c.runtimeConfig().ips()).containsExactly("10.30.0.7");
        assertThat(c.runtimeConfig().mac()).contains("02:00:00:00:00:07");
        assertThat(c.resultDns()).containsKey("nameservers");
    }

    @Test
    void topLevelSubnetAndRuntimeIpRanges() {
        assertThat(NetConf.parse("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"subnet\":\"10.1.0.0/16\"}").ranges().get(0).subnet())
                .hasToString("10.1.0.0/16");
        NetConf c = NetConf.parse("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"subnet\":\"10.1.0.0/16\","
                + "\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.2.0.0/24\"}]]}}");
        assertThat(c.ranges().get(0).subnet()).hasToString("10.2.0.0/24");
    }

    @Test
    void macvlanNeedsAMaster() {
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"driver\":\"macvlan\"}").getMessage()).contains("master");
        assertThat(NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"driver\":\"macvlan\",\"master\":\"eth1\"}").master())
                .contains("eth1");
    }

    @Test
    void badInputIsRefusedWithTheSpecCodeAndTheField() {
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":").code()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(refusal("[1]").code()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(refusal("{\"cniVersion\":\"2.0.0\",\"name\":\"n\"}").code()).isEqualTo(CniError.INCOMPATIBLE_VERSION);
        CniError noName = refusal("{\"cniVersion\":\"1.0.0\"}");
        assertThat(noName.code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
        assertThat(noName.getMessage()).contains("name");
        CniError subnet = refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"ranges\":[[{\"subnet\":\"10.0.0.300/24\"}]]}}");
        assertThat(subnet.code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG);
        assertThat(subnet.getMessage()).contains("ipam.ranges[0][0].subnet").contains("300");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"subnet\":\"10.0.0.5/24\"}").getMessage())
                .contains("host bits").contains("10.0.0.0/24");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mtu\":\"big\"}").getMessage()).contains("mtu must be a whole number");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"dhcp\"}}").code())
                .isEqualTo(CniError.UNSUPPORTED_FIELD);
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":0,\"containerPort\":80}]}}")
                .getMessage()).contains("runtimeConfig.portMappings[0].hostPort");
        assertThat(refusal("{\"cniVersion\":\"1.0.0\",\"name\":\"bad name\"}").getMessage()).contains("bad name");
    }

    @Test
    void readsValidAttachmentsAndPrevResult() {
        NetConf c = NetConf.parse("""
                {"cniVersion":"1.1.0","name":"n","cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"}],
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
}
