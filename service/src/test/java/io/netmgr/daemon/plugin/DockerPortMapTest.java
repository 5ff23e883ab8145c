package io.netmgr.daemon.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.netlink.addr.IpNet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dockerd's port map (as its JSON decodes) to netmgr's bindings, host ports settled, and back. */
class DockerPortMapTest {

    private static Map<String, Object> entry(int proto, int port, int hostPort, int hostPortEnd, String hostIp) {
        return Map.of("Proto", proto, "IP", "", "Port", port, "HostIP", hostIp, "HostPort", hostPort, "HostPortEnd", hostPortEnd);
    }

    private static Map<String, Object> options(Object... entries) {
        return Map.of(DockerPortMap.PORT_MAP, List.of(entries));
    }

    @Test
    void fixedPortsAreKeptAndZeroGetsTheFirstFreeEphemeralPort() {
        List<PortBinding> taken = List.of(PortBinding.parse("49153:80/tcp"), PortBinding.parse("49154:53/udp"));
        List<PortBinding> bindings = DockerPortMap.bindings(options(entry(6, 80, 8080, 8080, ""), entry(6, 81, 0, 0, ""),
                entry(17, 53, 0, 0, "127.0.0.1"), entry(6, 82, 0, 0, "")), taken);
        assertThat(bindings).extracting(PortBinding::toString)
                .containsExactly("8080:80/tcp", "49154:81/tcp", "127.0.0.1:49153:53/udp", "49155:82/tcp");
    }

    @Test
    void aRangeGetsItsFirstFreePort() {
        List<PortBinding> bindings = DockerPortMap.bindings(options(entry(6, 80, 8000, 8002, "")),
                List.of(PortBinding.parse("8000:1/tcp"), PortBinding.parse("8001:1/tcp")));
        assertThat(bindings).extracting(PortBinding::toString).containsExactly("8002:80/tcp");
        assertThatThrownBy(() -> DockerPortMap.bindings(options(entry(6, 80, 8000, 8001, "")),
                List.of(PortBinding.parse("8000-8001:1-2/tcp"))))
                .hasMessage("com.docker.network.portmap[0]: every host port from 8000 to 8001/tcp is already allocated; "
                        + "free one or publish on another port");
    }

    @Test
    void badEntriesAreRefusedNamingThem() {
        assertThatThrownBy(() -> DockerPortMap.bindings(options(entry(132, 80, 80, 80, "")), List.of()))
                .hasMessage("com.docker.network.portmap[0]: protocol 132 cannot be published; netmgr publishes tcp and udp ports");
        assertThatThrownBy(() -> DockerPortMap.bindings(options(entry(6, 70000, 80, 80, "")), List.of()))
                .hasMessage("com.docker.network.portmap[0] Port \"70000\" is not a port number (0-65535)");
        assertThatThrownBy(() -> DockerPortMap.bindings(Map.of(DockerPortMap.PORT_MAP, "80"), List.of()))
                .hasMessage("com.docker.network.portmap must be a list of port bindings");
        assertThat(DockerPortMap.bindings(options(entry(6, 80, 8080, 8080, "0.0.0.0")), List.of()))
                .extracting(PortBinding::toString).containsExactly("8080:80/tcp"); // every host address
        assertThat(DockerPortMap.bindings(Map.of(), List.of())).isEmpty();
        assertThat(DockerPortMap.bindings(null, List.of())).isEmpty();
    }

    @Test
    void anEndpointsPortsAreRenderedAsDockerdWritesThem() {
        Endpoint e = new Endpoint("a".repeat(64), "docker-x", "n", List.of(IpNet.parse("10.1.0.2/24")), "02:42:0a:01:00:02",
                List.of(), "nmdx", null, null, List.of(PortBinding.parse("127.0.0.1:8080-8081:80-81/udp")), List.of(), null);
        assertThat(DockerPortMap.render(e)).containsExactly(
                Map.of("Proto", 17, "IP", "10.1.0.2", "Port", 80, "HostIP", "127.0.0.1", "HostPort", 8080, "HostPortEnd", 8080),
                Map.of("Proto", 17, "IP", "10.1.0.2", "Port", 81, "HostIP", "127.0.0.1", "HostPort", 8081, "HostPortEnd", 8081));
    }

    @Test
    void dockerIdsNameNetmgrObjectsAndBadOnesAreRefused() {
        String id = "0123456789abcdef".repeat(4);
        assertThat(DockerNames.network(id)).isEqualTo("docker-0123456789ab");
        assertThat(DockerNames.endpoint(id)).isEqualTo("docker-0123456789ab");
        assertThat(DockerNames.transitInterface(id)).isEqualTo("nmd0123456789ab").hasSizeLessThanOrEqualTo(15);
        assertThat(DockerNames.sandbox("/var/run/docker/netns/0123456789ab")).isEqualTo("docker-0123456789ab");
        assertThatThrownBy(() -> DockerNames.network("xyz")).hasMessage("NetworkID \"xyz\" is not a Docker ID (at least 12 lower-case hex digits)");
        assertThatThrownBy(() -> DockerNames.sandbox("relative/0123")).hasMessageContaining("is not the path of a network namespace");
    }
}
