package io.netmgr.drivers;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.Veth;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge network whose bridge has the kernel's maximum of ports refuses one more endpoint by
 * name (409 "network is full", not "errno 54"), and the refused join leaves nothing behind.
 */
class BridgeFullIT {
    @RegisterExtension
    final ControllerFixture fixture = new ControllerFixture();
    @TempDir
    Path stateDir;

    @Test
    void theJoinPastTheBridgesLastPortIsRefusedAsFullAndMakesNothing() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("crowded", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.33.0.0/16"))));
        String bridge = BridgeDriver.bridgeName(net);
        // the bridge's 1,023 ports taken by veths of the test's own: faster than 1,023 sandboxes, same kernel limit
        try (NetlinkHandle h = NetlinkHandle.open(fixture.host)) {
            int index = h.links().get(bridge).index();
            for (int i = 0; i < BridgeDriver.MAX_PORTS; i++) {
                h.links().add(Veth.pair("fill" + i, "fillp" + i).withAttrs(LinkAttrs.named("fill" + i).withMaster(index)));
            }
        }
        int linksBefore = ip(fixture.host, "link", "show").size();
        Sandbox s = c.createSandbox("one-too-many");
        Endpoint e = c.createEndpoint(net.id(), EndpointConfig.named("one-too-many"));

        assertThatThrownBy(() -> c.join(e.id(), s.id()))
                .isInstanceOfSatisfying(NetmgrException.class, x -> assertThat(x.kind()).isEqualTo(NetmgrException.Kind.CONFLICT))
                .hasMessage("network crowded is full: its bridge " + bridge + " has 1023 ports, the most a Linux bridge takes;"
                        + " put this container on another network");
        assertThat(ip(fixture.host, "link", "show")).hasSize(linksBefore);
        assertThat(c.endpoint(e.id()).sandboxId()).isNull();
        try (var ns = fixture.open(c.sandbox(s.id()))) {
            assertThat(ip(ns, "link", "show")).hasSize(1); // lo only
        }
    }
}
