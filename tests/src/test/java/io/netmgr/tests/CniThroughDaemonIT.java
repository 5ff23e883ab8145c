package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * netmgr-cni with a running netmgrd: the plugin hands ADD and DEL to the daemon's
 * {@code POST /v1/cni} (no in-process fallback), the containers get working networking, and
 * the daemon's own API sees the attachments.
 */
class CniThroughDaemonIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path tmp;

    @Test
    void pluginAddAndDelGoThroughTheDaemon() throws Exception {
        NetNs host = netns.create("cnid");
        NetNs c1 = netns.create("cd1");
        NetNs c2 = netns.create("cd2");
        Path plugins = Files.createDirectories(tmp.resolve("cni-bin"));
        Files.createSymbolicLink(plugins.resolve("netmgr"), Distribution.HOME.resolve("bin/netmgr-cni"));
        try (DaemonProcess daemon = new DaemonProcess(tmp, NetmgrdIT.name(host)).start()) {
            CniRuntime runtime = new CniRuntime(plugins, Map.of("NETMGR_STATE_DIR", daemon.stateDir.toString()));
            Map<String, Object> conf = new LinkedHashMap<>();
            conf.put("cniVersion", "1.1.0");
            conf.put("name", "cnid");
            conf.put("type", "netmgr");
            conf.put("bridge", "cnidbr0");
            conf.put("daemonSocket", daemon.socket.toString());
            conf.put("ipam", Map.of("type", "host-local", "ranges", List.of(List.of(Map.of("subnet", "10.214.0.0/24")))));

            CniRuntime.Outcome a1 = runtime.exec("netmgr", "ADD", "ctr-d1", c1.path().toString(), "eth0", conf).assertOk();
            CniRuntime.Outcome a2 = runtime.exec("netmgr", "ADD", "ctr-d2", c2.path().toString(), "eth0", conf).assertOk();
            assertThat(a1.err() + a2.err()).doesNotContain("running in-process");
            assertThat(NetmgrdIT.cli(daemon, "network", "ls", "--format", "{{.Name}}").out()).contains("cnid");

            String ip1 = a1.out().replaceAll("(?s).*\"address\":\"([0-9.]+)/.*", "$1");
            try (var echo = Traffic.echoServer(c1, InetAddress.getByName(ip1), 80)) {
                assertThat(Traffic.exchange(c2, InetAddress.getByName(ip1), 80, "via daemon", 3000)).isEqualTo("via daemon");
            }
            for (String id : List.of("ctr-d1", "ctr-d2")) {
                CniRuntime.Outcome del = runtime.exec("netmgr", "DEL", id, null, "eth0", conf).assertOk();
                assertThat(del.err()).doesNotContain("running in-process");
            }
        }
    }
}
