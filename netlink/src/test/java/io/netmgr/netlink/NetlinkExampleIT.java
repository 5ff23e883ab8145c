package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import example.NetlinkExample;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example of docs/netlink.md ({@link NetlinkExample}, kept identical to the page) run as written. */
class NetlinkExampleIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void theExampleWiresABridgeToAVethIntoTheContainer() {
        NetNs host = netns.create("host");
        NetNs container = netns.create("c1");

        NetlinkExample.wire(host, container);

        JsonNode bridge = ip(host, "-4", "addr", "show", "br0").get(0);
        assertThat(bridge.at("/addr_info/0/local").asText()).isEqualTo("10.1.0.1");
        assertThat(bridge.at("/addr_info/0/prefixlen").asInt()).isEqualTo(24);
        assertThat(bridge.get("flags").toString()).contains("UP");
        assertThat(ip(host, "link", "show", "veth0").get(0).get("master").asText()).isEqualTo("br0");
        assertThat(ip(container, "link", "show", "eth0")).hasSize(1);
    }
}
