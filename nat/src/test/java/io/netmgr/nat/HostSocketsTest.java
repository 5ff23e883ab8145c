package io.netmgr.nat;

import static io.netmgr.nat.Scenarios.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.firewall.Protocol;
import io.netmgr.netlink.addr.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostSocketsTest {
    private static final String TCP = String.join("\n",
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0",
            "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0",
            "   2: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 78 1 0 100 0 0 10 0",
            "");
    private static final String TCP6 = String.join("\n",
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0 100 0 0 10 0",
            "   1: 0000B8FD000000000000000001000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 98 1 0 100 0 0 10 0",
            "");

    @Test
    void parsesListenersOnlyInHostByteOrder() {
        List<HostSockets.Bound> v4 = HostSockets.parse(TCP, Protocol.TCP);
        assertThat(v4).extracting(Object::toString).containsExactly("127.0.0.1:8080/tcp", "0.0.0.0:22/tcp");
        assertThat(v4.get(0).inode()).isEqualTo(4242);
        assertThat(HostSockets.parse(TCP6, Protocol.TCP)).extracting(Object::toString)
                .containsExactly("[::]:80/tcp", "[fdb8::1]:443/tcp");
    }

    @Test
    void aMappingClashesWithASocketItWouldShadow() {
        HostSockets.Bound loopback8080 = HostSockets.parse(TCP, Protocol.TCP).get(0);
        HostSockets.Bound dualStack80 = HostSockets.parse(TCP6, Protocol.TCP).get(0);
        assertThat(HostSockets.clashes(publish("8080:80", "web", "a", "10.10.0.2"), loopback8080)).isTrue();
        assertThat(HostSockets.clashes(publish("127.0.0.1:8080:80", "web", "a", "10.10.0.2"), loopback8080)).isTrue();
        assertThat(HostSockets.clashes(publish("192.0.2.1:8080:80", "web", "a", "10.10.0.2"), loopback8080))
                .as("another address").isFalse();
        assertThat(HostSockets.clashes(publish("8080:80/udp", "web", "a", "10.10.0.2"), loopback8080)).isFalse();
        assertThat(HostSockets.clashes(publish("8000-8100:8000-8100", "web", "a", "10.10.0.2"), loopback8080)).isTrue();
        assertThat(HostSockets.clashes(publish("80:80", "web", "a", "10.10.0.2"), dualStack80)).as("[::] takes IPv4").isTrue();
        assertThat(IpAddress.parse("fdb8::1").toString()).isEqualTo("fdb8::1");
    }
}
