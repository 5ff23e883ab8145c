package io.netmgr.core.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServicePortTest {

    @Test
    void readsSwarmsShortSyntax() {
        assertThat(ServicePort.parse("8080:80", PublishMode.INGRESS)).isEqualTo(new ServicePort(PublishMode.INGRESS, Protocol.TCP, 8080, 80));
        assertThat(ServicePort.parse("mode=host,53:5353/udp", PublishMode.INGRESS))
                .isEqualTo(new ServicePort(PublishMode.HOST, Protocol.UDP, 53, 5353));
        assertThat(ServicePort.parse("8080:80/TCP", PublishMode.HOST).mode()).isEqualTo(PublishMode.HOST);
        assertThat(ServicePort.parseKey("8080")).isEqualTo(new ServicePort.Key(Protocol.TCP, 8080));
        assertThat(ServicePort.parseKey("53/udp")).isEqualTo(new ServicePort.Key(Protocol.UDP, 53));
    }

    @Test
    void refusesWhatItCannotReadNamingTheText() {
        assertThatThrownBy(() -> ServicePort.parse("80", PublishMode.INGRESS)).hasMessageContaining("bad published port \"80\"");
        assertThatThrownBy(() -> ServicePort.parse("0:80", PublishMode.INGRESS)).hasMessageContaining("bad published port 0");
        assertThatThrownBy(() -> ServicePort.parse("8080:70000", PublishMode.INGRESS)).hasMessageContaining("bad target port 70000");
        assertThatThrownBy(() -> ServicePort.parse("mode=mesh,80:80", PublishMode.INGRESS)).hasMessageContaining("bad publish mode \"mesh\"");
        assertThatThrownBy(() -> ServicePort.parse("80:80/icmp", PublishMode.INGRESS)).hasMessageContaining("bad protocol \"icmp\"");
        assertThatThrownBy(() -> ServicePort.parseKey("")).hasMessageContaining("write PUBLISHED[/tcp|/udp]");
    }

    @Test
    void aServicesPortsClaimHostPortsAgainstContainers() {
        NetworkRules web = NetworkRules.bridge("web", "br-web", io.netmgr.netlink.addr.IpPrefix.parse("10.10.0.0/24"));
        ServiceRules svc = new ServiceRules("a".repeat(64), "api",
                java.util.List.of(new ServiceRules.Vip("web", io.netmgr.netlink.addr.IpAddress.parse("10.10.0.100"))),
                java.util.List.of(ServicePort.parse("8080:80", PublishMode.HOST)), java.util.List.of());
        FirewallState state = FirewallState.EMPTY.withNetwork(web).withService(svc);
        PortMapping container = PortMapping.of("web", "c1", Protocol.TCP, PortRange.of(8080), io.netmgr.netlink.addr.IpAddress.parse("10.10.0.2"),
                PortRange.of(80));
        assertThatThrownBy(() -> state.withPort(container)).hasMessageContaining("already published by").hasMessageContaining("service api");
        assertThat(state.withPort(PortMapping.of("web", "c1", Protocol.UDP, PortRange.of(8080),
                io.netmgr.netlink.addr.IpAddress.parse("10.10.0.2"), PortRange.of(80))).ports()).hasSize(1);
        assertThatThrownBy(() -> FirewallState.EMPTY.withService(svc)).hasMessageContaining("virtual IP 10.10.0.100");
    }
}
