package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a new endpoint's request is checked for before anything is reserved: each was a 500 at join, or dropped. */
class EndpointRequestTest {
    private static final Network V4_ONLY = new Network("id", "front", "bridge",
            List.of(new NetworkPool("p", IpPrefix.parse("10.1.0.0/24"), IpAddress.parse("10.1.0.1"), List.of(), Map.of())), Map.of(), Map.of(), false, true, false,
            false, "2026-01-01T00:00:00Z");

    private static String refusal(EndpointConfig config) {
        try {
            EndpointRequest.check(V4_ONLY, config);
        } catch (NetmgrException e) {
            assertThat(e.kind()).isEqualTo(NetmgrException.Kind.INVALID);
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + config);
    }

    @Test
    void interfaceNamesFollowTheKernelsRule() {
        EndpointConfig e = EndpointConfig.named("e");
        assertThat(refusal(e.withInterfaceName("abcdefghijklmnop")))
                .isEqualTo("interface name \"abcdefghijklmnop\" is 16 bytes long; Linux allows at most 15; use a name such as eth1");
        assertThat(refusal(e.withInterfaceName("\u00e9".repeat(8)))).contains("is 16 bytes long"); // 8 characters, 16 bytes
        for (String bad : List.of("a/b", "a b", "a\tb", "eth:0")) {
            assertThat(refusal(e.withInterfaceName(bad))).contains("contains '/', ':', a space or a control character");
        }
        assertThat(refusal(e.withInterfaceName(".."))).contains("is reserved");
        assertThat(refusal(e.withInterfaceName(""))).contains("is empty");
        assertThatCode(() -> EndpointRequest.check(V4_ONLY, e.withInterfaceName("abcdefghijklmno"))).doesNotThrowAnyException();
    }

    @Test
    void macsAContainerCannotHaveAreRefused() {
        EndpointConfig e = EndpointConfig.named("e");
        assertThat(refusal(e.withMac("00:00:00:00:00:00"))).isEqualTo(
                "mac address 00:00:00:00:00:00 is all zeros; give a unicast one such as 02:42:ac:11:00:02");
        assertThat(refusal(e.withMac("01:00:5e:00:00:01"))).contains("is a multicast address");
        assertThat(refusal(e.withMac("zz"))).startsWith("invalid mac address \"zz\"");
    }

    @Test
    void anAddressOfAFamilyTheNetworkLacksIsRefusedNotDropped() {
        assertThat(refusal(EndpointConfig.named("e").withIpv6("fd00::5"))).isEqualTo("network front has no IPv6 subnet, so IPv6 "
                + "address fd00::5 cannot be given; drop it, or use a network with an IPv6 subnet");
    }

    @Test
    void oneHostPortTwiceInOneRequestIsRefused() {
        assertThat(refusal(EndpointConfig.named("e").withPorts("80:80", "80:81"))).isEqualTo(
                "published ports 80:80/tcp and 80:81/tcp use the same host port twice; give each host port once");
        assertThat(refusal(EndpointConfig.named("e").withPorts("8000-8010:9000-9010", "127.0.0.1:8005:80"))).contains("twice");
        assertThatCode(() -> EndpointRequest.check(V4_ONLY, EndpointConfig.named("e").withPorts("80:80", "80:80/udp",
                "127.0.0.1:81:80", "127.0.0.2:81:80"))).doesNotThrowAnyException();
    }
}
