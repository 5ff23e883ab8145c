package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Traffic;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built {@code netmgr service} commands against netmgrd, a test namespace playing the host:
 * create with a published port, attach two sandboxes, reach the VIP from a third, ps and inspect,
 * publish and unpublish, detach, rm; the refusals a user meets exit 1 with the daemon's words.
 */
class ServicesCliIT extends DaemonOnTestHost {
    @Test
    void serviceCommandsDriveTheDaemon() throws Exception {
        NetNs host = netns.create("nmsvc");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            ok(daemon, "network", "create", "--subnet", "10.96.0.0/24", "front");
            for (String s : List.of("b1", "b2", "client")) {
                ok(daemon, "sandbox", "create", s);
                sandboxNamespaces.add(JSON.readTree(ok(daemon, "sandbox", "inspect", s)).get(0).path("namespacePath").asText());
            }
            ok(daemon, "network", "connect", "--ip", "10.96.0.11", "front", "b1");
            ok(daemon, "network", "connect", "--ip", "10.96.0.12", "front", "b2");
            ok(daemon, "network", "connect", "--ip", "10.96.0.20", "front", "client");

            String id = ok(daemon, "service", "create", "web", "--network", "front", "--vip", "front=10.96.0.100",
                    "--publish", "8080:7000").trim();
            assertThat(id).hasSize(64);
            ok(daemon, "service", "attach", "web", "b1");
            ok(daemon, "service", "attach", "web", "b2");
            assertThat(ok(daemon, "service", "ps", "web")).contains("SANDBOX").contains("b1").contains("10.96.0.11/24")
                    .contains("b2").contains("running");
            assertThat(ok(daemon, "service", "ls")).contains("web").contains("10.96.0.100/24").contains("ingress:8080->7000/tcp");
            JsonNode inspected = JSON.readTree(ok(daemon, "service", "inspect", "web")).get(0);
            assertThat(inspected.path("backends")).hasSize(2);
            assertThat(inspected.path("ports").get(0).path("mode").asText()).isEqualTo("ingress");

            var vip = IpAddress.parse("10.96.0.100").toInetAddress();
            try (NetNs b1 = NetNs.openPath(Path.of(sandboxNamespaces.get(0)));
                 NetNs b2 = NetNs.openPath(Path.of(sandboxNamespaces.get(1)));
                 NetNs client = NetNs.openPath(Path.of(sandboxNamespaces.get(2)));
                 var e1 = Traffic.echoServer(b1, IpAddress.parse("10.96.0.11").toInetAddress(), 7000);
                 var e2 = Traffic.echoServer(b2, IpAddress.parse("10.96.0.12").toInetAddress(), 7000)) {
                assertThat(Traffic.exchange(client, vip, 7000, "hello", 5000)).isEqualTo("hello");
                assertThat(Traffic.exchange(host, IpAddress.parse("127.0.0.1").toInetAddress(), 8080, "mesh", 5000)).isEqualTo("mesh");

                ok(daemon, "service", "publish", "web", "--mode", "host", "9090:7000/tcp");
                assertThat(Traffic.exchange(host, IpAddress.parse("127.0.0.1").toInetAddress(), 9090, "host", 5000)).isEqualTo("host");
                ok(daemon, "service", "unpublish", "web", "9090/tcp");
                ok(daemon, "service", "detach", "web", "b2");
                assertThat(ok(daemon, "service", "ps", "web")).doesNotContain("b2");
            }

            var dup = cli(daemon, "service", "create", "web", "--network", "front");
            assertThat(dup.exit()).isEqualTo(1);
            assertThat(dup.err()).contains("service with name web already exists");
            var taken = cli(daemon, "service", "create", "other", "--network", "front", "--publish", "8080:80");
            assertThat(taken.exit()).isEqualTo(1);
            assertThat(taken.err()).contains("already published by service web");

            ok(daemon, "service", "rm", "web");
            assertThat(ok(daemon, "service", "ls", "-q")).isEmpty();
            assertThat(Distribution.run(Path.of("/usr/sbin/ip"), java.util.Map.of(), "netns", "exec", name(host), "nft", "list",
                    "table", "inet", "netmgr").out()).doesNotContain("svc__").doesNotContain("10.96.0.100");
        }
    }

    private static String ok(DaemonProcess daemon, String... args) throws Exception {
        var r = cli(daemon, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }
}
