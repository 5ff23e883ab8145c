package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A network's bridge deleted behind netmgr's back (`ip link del`), with the nftables firewall on:
 * a running engine (netmgrd's) makes it again from the link event, with its ports and published
 * rules; a short-lived one (a CNI plugin run after a reboot) makes it again at the next join.
 * Checked by the links `ip -j` shows and by TCP through the published ports.
 */
class HealingIT extends EngineOnTestHost {

    private NetworkController open(boolean longLived) {
        NetworkController c = open(FirewallChoice.NFTABLES, longLived).controller();
        c.createNetwork(NetworkConfig.of("web", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.50.1.0/24", "subnet"))));
        return c;
    }

    private NetNs container(NetworkController c, String name, String ip, String... ports) {
        NetNs ns = netns.create(name);
        c.adoptSandbox(name, ns.path());
        Endpoint e = c.createEndpoint("web", EndpointConfig.named(name).withIpv4(ip).withPorts(ports));
        c.join(e.id(), name);
        return ns;
    }

    @Test
    void aBridgeDeletedWhileTheEngineRunsIsBackAtOnceWithItsPortsAndPublishedRules() throws InterruptedException {
        NetworkController c = open(true);
        NetNs c1 = container(c, "c1", "10.50.1.2", "8080:80");
        NetNs c2 = container(c, "c2", "10.50.1.3");
        probe.tcpServer(c1, 80, "c1");
        String bridge = BridgeDriver.bridgeName(c.network("web"));
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isPresent();

        long deleted = System.nanoTime();
        IpOracle.ipDo(t.host, "link", "del", bridge);
        long healedNanos = -1;
        try (NetlinkHandle watch = NetlinkHandle.open(t.host)) { // in-process polling: the figure is not the oracle's start-up
            while (System.nanoTime() - deleted < 10_000_000_000L) { // generous: the figure is printed, not asserted
                if (attachedPorts(watch, bridge) == 2) {
                    healedNanos = System.nanoTime() - deleted;
                    break;
                }
                Thread.sleep(1);
            }
        }
        assertThat(healedNanos).as("bridge %s back with both ports within 10 s", bridge).isPositive();
        assertThat(ports(bridge)).hasSize(2);
        System.out.printf("healing: bridge %s back with its 2 ports %.1f ms after `ip link del` returned%n", bridge,
                healedNanos / 1e6);

        assertThat(Probe.tcp(c2, "10.50.1.2", 80)).as("neighbours on the remade bridge").contains("c1 from 10.50.1.3");
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).as("published from outside").contains("c1 from " + TestHost.OUTSIDE_IP);
        assertThat(Probe.tcp(t.host, "127.0.0.1", 8080)).as("published on localhost: route_localnet of the new bridge").isPresent();
        assertThat(Probe.tcp(c1, TestHost.HOST_IP, 8080)).as("hairpin on the re-attached port").isPresent();
    }

    @Test
    void withoutAWatcherTheNextJoinRemakesTheBridgeFirst() {
        NetworkController c = open(false); // a CNI plugin run: no healer, no reconciliation
        NetNs c1 = container(c, "c1", "10.50.1.2", "8080:80");
        probe.tcpServer(c1, 80, "c1");
        String bridge = BridgeDriver.bridgeName(c.network("web"));
        IpOracle.ipDo(t.host, "link", "del", bridge);
        assertThat(IpOracle.exec(t.host, "ip", "-o", "link")).doesNotContain(bridge + ":");

        NetNs c2 = container(c, "c2", "10.50.1.3");

        assertThat(ports(bridge)).hasSize(2);
        assertThat(Probe.tcp(c2, "10.50.1.2", 80)).contains("c1 from 10.50.1.3");
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).contains("c1 from " + TestHost.OUTSIDE_IP);
    }

    /** How many links are up and ports of {@code bridge}; 0 while it does not exist. */
    private static long attachedPorts(NetlinkHandle h, String bridge) {
        var master = h.links().find(bridge);
        return master.isEmpty() ? 0 : h.links().list().stream()
                .filter(l -> l.attrs().masterIndex() == master.get().index() && l.attrs().up()).count();
    }

    /** The names of {@code bridge}'s ports, as `ip -j link show master` lists them; none when it is gone. */
    private List<String> ports(String bridge) {
        List<String> names = new ArrayList<>();
        if (!IpOracle.exec(t.host, "ip", "-o", "link", "show").contains(" " + bridge + ":")) {
            return names;
        }
        StreamSupport.stream(IpOracle.ip(t.host, "link", "show", "master", bridge).spliterator(), false)
                .filter(l -> l.path("operstate").asText().equals("UP") || l.path("flags").toString().contains("UP"))
                .forEach(l -> names.add(l.get("ifname").asText()));
        return names;
    }
}
