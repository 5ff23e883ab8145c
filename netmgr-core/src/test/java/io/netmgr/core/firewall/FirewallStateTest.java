package io.netmgr.core.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FirewallStateTest {
    private static final NetworkRules NET = NetworkRules.bridge("n1", "br-n1", IpPrefix.parse("10.1.0.0/24"),
            IpPrefix.parse("fd00:1::/64"));
    private static final IpAddress C1 = IpAddress.parse("10.1.0.2");

    private static PortMapping publish(String spec, String owner) {
        return PortBinding.parse(spec).toMapping("n1", owner, C1);
    }

    @Test
    void parsesDockerPublishSpecs() {
        PortMapping p = publish("127.0.0.1:8080-8081:80-81/udp", "c1");
        assertThat(p.protocol()).isEqualTo(Protocol.UDP);
        assertThat(p.hostIp()).contains(IpAddress.parse("127.0.0.1"));
        assertThat(p.hostPorts()).isEqualTo(new PortRange(8080, 8081));
        assertThat(p.containerPorts()).isEqualTo(new PortRange(80, 81));
        assertThat(p).hasToString("127.0.0.1:8080-8081->10.1.0.2:80-81/udp");
        assertThat(publish("8080:80", "c1").hostIp()).isEmpty();
        assertThat(publish("0.0.0.0:8080:80", "c1").hostIp()).as("0.0.0.0 means every address").isEmpty();
        PortMapping v6 = PortBinding.parse("[fd00::5]:80:80").toMapping("n1", "c1", IpAddress.parse("fd00:1::2"));
        assertThat(v6.hostIp()).contains(IpAddress.parse("fd00::5"));
    }

    @Test
    void refusesPortZeroAndAbove65535() {
        assertThatThrownBy(() -> publish("0:80", "c1")).isInstanceOf(FirewallException.class)
                .hasMessage("bad host port \"0\": port 0 is outside 1-65535");
        assertThatThrownBy(() -> publish("8080:65536", "c1"))
                .hasMessage("bad container port \"65536\": port 65536 is outside 1-65535");
        assertThatThrownBy(() -> PortRange.of(0)).hasMessageContaining("port 0 is outside 1-65535");
    }

    @Test
    void refusesBadProtocol() {
        assertThatThrownBy(() -> publish("8080:80/sctp", "c1"))
                .hasMessage("bad protocol \"sctp\": ports can be published for tcp or udp");
        assertThat(Protocol.parse("UDP")).isEqualTo(Protocol.UDP);
    }

    @Test
    void refusesInvertedRangeAndRangesOfDifferentSizes() {
        assertThatThrownBy(() -> publish("8090-8080:80-90", "c1"))
                .hasMessage("bad host port \"8090-8080\": port range 8090-8080 is inverted; write the lower port first,"
                        + " as in 8080-8090");
        assertThatThrownBy(() -> publish("8080-8081:80-82", "c1")).hasMessageContaining("differ in size");
    }

    @Test
    void refusesHostAddressNotOnTheHost() {
        FirewallState s = FirewallState.EMPTY.withNetwork(NET).withPort(publish("192.0.2.99:8080:80", "c1"));
        Set<IpAddress> host = Set.of(addr("127.0.0.1"), addr("192.0.2.1"));
        assertThatThrownBy(() -> s.checkHostAddresses(host)).isInstanceOf(FirewallException.class)
                .hasMessageContaining("host address 192.0.2.99 is not an address of this host; use one of"
                        + " [127.0.0.1, 192.0.2.1]")
                .extracting(e -> ((FirewallException) e).reason())
                .isEqualTo(FirewallException.Reason.HOST_ADDRESS_NOT_LOCAL);
        FirewallState ok = FirewallState.EMPTY.withNetwork(NET).withPort(publish("127.0.0.1:8080:80", "c1"));
        ok.checkHostAddresses(host);
    }

    @Test
    void refusesDuplicatePublishNamingTheOwner() {
        FirewallState s = FirewallState.EMPTY.withNetwork(NET).withPort(publish("8080-8090:8080-8090", "web"));
        assertThatThrownBy(() -> s.withPort(publish("127.0.0.1:8085:80", "db")))
                .isInstanceOf(FirewallException.class)
                .hasMessage("cannot publish 127.0.0.1:8085->10.1.0.2:80/tcp for db: host port tcp/8080-8090 on every"
                        + " host address is already published by web (0.0.0.0:8080-8090->10.1.0.2:8080-8090/tcp);"
                        + " choose another host port or host address");
        // another protocol, another port or another specific address is fine
        s.withPort(publish("8085:80/udp", "db"), publish("8091:80", "db"));
        FirewallState onLoopback = FirewallState.EMPTY.withNetwork(NET).withPort(publish("127.0.0.1:80:80", "a"));
        onLoopback.withPort(publish("192.0.2.1:80:80", "b"));
    }

    @Test
    void refusesPortsOnUnknownOrInternalNetworksOrOutsideTheSubnet() {
        assertThatThrownBy(() -> FirewallState.EMPTY.withPort(publish("80:80", "c1")))
                .hasMessageContaining("network n1 is not in the firewall state");
        assertThatThrownBy(() -> FirewallState.EMPTY.withNetwork(NET.withInternal(true)).withPort(publish("80:80", "c1")))
                .hasMessageContaining("is internal");
        assertThatThrownBy(() -> FirewallState.EMPTY.withNetwork(NET)
                .withPort(PortBinding.parse("80:80").toMapping("n1", "c1", IpAddress.parse("10.9.0.2"))))
                .hasMessageContaining("container address 10.9.0.2 is not in network n1's subnets");
    }

    @Test
    void refusesNetworksSharingABridgeAndBadBridgeNames() {
        assertThatThrownBy(() -> FirewallState.EMPTY.withNetwork(NET)
                .withNetwork(NetworkRules.bridge("n2", "br-n1", IpPrefix.parse("10.2.0.0/24"))))
                .hasMessageContaining("already belongs to network n1");
        assertThatThrownBy(() -> NetworkRules.bridge("n2", "a-very-long-bridge-name", IpPrefix.parse("10.2.0.0/24")))
                .hasMessageContaining("bad bridge name");
    }

    @Test
    void removingANetworkRemovesItsPorts() {
        FirewallState s = FirewallState.EMPTY.withNetwork(NET).withPort(publish("80:80", "c1"));
        assertThat(s.withoutNetwork("n1")).isEqualTo(FirewallState.EMPTY);
        assertThat(s.withoutPortsOf("c1").ports()).isEmpty();
        assertThat(PortMapping.of("n1", "c1", Protocol.TCP, PortRange.of(80), C1, PortRange.of(80)).hostIp())
                .isEqualTo(Optional.empty());
    }

    private static IpAddress addr(String s) {
        return IpAddress.parse(s);
    }
}
