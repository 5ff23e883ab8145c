package io.netmgr.tests;

import static io.netmgr.tests.CniPluginIT.ipOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The network's bridge gone from under the plugin, as after a reboot (the store in the state
 * directory survives, the kernel's bridges do not) or an `ip link del`: the next ADD makes it
 * again, like the reference bridge plugin, and the earlier container is back on it.
 */
class CniHealingIT extends CniOnBothPaths {

    @Test
    void theNextAddRemakesADeletedBridgeWithTheEarlierContainersOnIt() throws Exception {
        NetNs c1 = netns.create("h1");
        NetNs c2 = netns.create("h2");
        Map<String, Object> conf = t.conf("1.1.0");
        Map<String, Object> r1 = t.add("heal-1", c1, conf).assertOk().json();
        IpOracle.ipDo(t.host, "link", "del", t.bridge);

        t.add("heal-2", c2, conf).assertOk();

        assertThat(IpOracle.exec(t.host, "ip", "-o", "link", "show", "master", t.bridge)).contains("nmv");
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
            assertThat(Traffic.exchange(c2, InetAddress.getByName(ipOf(r1)), 80, "back", 3000)).isEqualTo("back");
        }
        t.run("CHECK", "heal-1", c1, CniTestHost.with(conf, "prevResult", r1)).assertOk();
    }
}
