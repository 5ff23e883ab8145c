package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container joins a service through CNI, as a runtime adds it: CNI_ARGS NETMGR_SERVICE and
 * args.cni.service make it a backend (reached through the VIP), DEL takes it out, and an unknown
 * service refuses the ADD (code 7) leaving nothing. Through netmgrd, driven with the built CLI.
 */
class CniServiceIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path tmp;

    private CniTestHost t;

    @AfterEach
    void stopHost() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void containersJoinAndLeaveAServiceThroughCni() throws Exception {
        t = CniTestHost.start(netns, tmp, CniTestHost.Via.DAEMON);
        DaemonProcess daemon = t.daemon().orElseThrow();
        NetNs client = netns.create("c0");
        NetNs b1 = netns.create("c1");
        NetNs b2 = netns.create("c2");
        NetNs stray = netns.create("c3");
        Map<String, Object> conf = t.conf("1.1.0");
        t.add("client", client, conf).assertOk(); // the first ADD makes the network
        var created = cli(daemon, "service", "create", "web", "--network", t.network);
        assertThat(created.exit()).as(created.err()).isZero();

        t.exec("netmgr", "ADD", "b1", b1.path().toString(), "eth0", conf, Map.of("CNI_ARGS", "NETMGR_SERVICE=web")).assertOk();
        Map<String, Object> withArgs = new LinkedHashMap<>(conf);
        withArgs.put("args", Map.of("cni", Map.of("service", "web")));
        t.add("b2", b2, withArgs).assertOk();
        assertThat(cli(daemon, "service", "ps", "web").out()).contains("running").contains("cni-b1").contains("cni-b2");

        String vip = new ObjectMapper().readTree(cli(daemon, "service", "inspect", "web").out()).get(0).path("vips").get(0)
                .path("address").asText();
        InetAddress vipAddress = InetAddress.getByName(vip.substring(0, vip.indexOf('/')));
        try (var e1 = Traffic.echoServer(b1, InetAddress.getByName("0.0.0.0"), 7000);
             var e2 = Traffic.echoServer(b2, InetAddress.getByName("0.0.0.0"), 7000)) {
            assertThat(Traffic.exchange(client, vipAddress, 7000, "through the VIP", 5000)).isEqualTo("through the VIP");
        }

        t.run("DEL", "b1", b1, conf).assertOk();
        assertThat(cli(daemon, "service", "ps", "web").out()).doesNotContain("cni-b1").contains("cni-b2");

        CniRuntime.Outcome unknown = t.exec("netmgr", "ADD", "b3", stray.path().toString(), "eth0", conf,
                Map.of("CNI_ARGS", "NETMGR_SERVICE=nope"));
        CniFeaturesIT.assertRefused(unknown, 7, "service nope not found");
        assertThat(IpOracle.ip(stray, "link", "show").toString()).doesNotContain("eth0");

        for (String id : List.of("b2", "client")) {
            t.run("DEL", id, null, conf).assertOk();
        }
        assertThat(cli(daemon, "service", "rm", "web").exit()).isZero();
    }
}
