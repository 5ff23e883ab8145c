package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/netmgrd refuses, before it touches any state, what could hurt the host or its user: a
 * --socket path that is not a socket, plain TCP without --tls=false, and a start under
 * `ip netns exec`, where the sandboxes it made would be invisible to the host.
 */
class NetmgrdRefusalsIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path dir;

    private static final Path NETMGRD = Distribution.HOME.resolve("bin/netmgrd");

    private String hostNetns() {
        NetNs host = netns.create("refuse");
        return host.path().getFileName().toString();
    }

    @Test
    void aRegularFileAtTheSocketPathIsKept() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.txt"), "keep me");
        var r = Distribution.run(NETMGRD, Map.of(), "--socket", file.toString(), "--state-dir", dir.resolve("state").toString(),
                "--host-netns", hostNetns());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--socket " + file + " exists and is not a socket (a regular file)");
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void plainTcpNeedsTlsFalse() throws Exception {
        var r = Distribution.run(NETMGRD, Map.of(), "--socket", dir.resolve("s").toString(), "--state-dir",
                dir.resolve("state").toString(), "--host-netns", hostNetns(), "--tcp", "127.0.0.1:23750");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("without TLS lets every local user").contains("--tls=false");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void aStartUnderIpNetnsExecIsRefused() throws Exception {
        String ns = hostNetns();
        var r = Distribution.run(Path.of("/usr/bin/ip"), Map.of(), "netns", "exec", ns, NETMGRD.toString(), "--socket",
                dir.resolve("s").toString(), "--state-dir", dir.resolve("state").toString(), "--host-netns", ns);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("netmgrd runs in a mount namespace of its own").contains("ip netns exec");
        assertThat(dir.resolve("state")).doesNotExist();
    }
}
