package io.netmgr.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join never puts an interface into a host's namespace, whatever path names it: the machine's
 * (this JVM's, PID 1's, another root-namespace process's) or the namespace the controller treats
 * as its host. Nothing is made before the refusal.
 */
class HostNamespaceRefusalIT {
    @RegisterExtension
    final ControllerFixture fixture = new ControllerFixture();
    @TempDir
    Path stateDir;

    @Test
    void everyPathToAHostNamespaceIsRefusedAtJoin() throws IOException, InterruptedException {
        NetworkController c = fixture.start(stateDir);
        c.createNetwork(NetworkConfig.of("web", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.36.0.0/24"))));
        Process rootNamespaceProcess = new ProcessBuilder("sleep", "60").start(); // started here, killed by pid below
        try {
            List<String> paths = new java.util.ArrayList<>(List.of("/proc/self/ns/net", "/proc/thread-self/ns/net",
                    "/proc/" + rootNamespaceProcess.pid() + "/ns/net", fixture.host.path().toString()));
            if (java.nio.file.Files.isReadable(Path.of("/proc/1/ns/net"))) { // not in a container whose PID 1 is another user's
                paths.add("/proc/1/ns/net");
            }
            String machineLinks = machineLinks();
            String hostLinks = IpOracle.exec(fixture.host, "ip", "-o", "link");
            for (int i = 0; i < paths.size(); i++) {
                Sandbox s = c.adoptSandbox("h" + i, Path.of(paths.get(i)));
                Endpoint e = c.createEndpoint("web", EndpointConfig.named("h" + i));
                assertThatThrownBy(() -> c.join(e.id(), s.id())).as(paths.get(i)).isInstanceOf(NetmgrException.class)
                        .hasMessageContaining("is the host's network namespace")
                        .hasMessageContaining("joins the network \"host\" instead")
                        .satisfies(x -> assertThat(((NetmgrException) x).kind()).isEqualTo(NetmgrException.Kind.INVALID));
                assertThat(c.endpoint(e.id()).sandboxId()).isNull();
            }
            assertThat(machineLinks()).as("the machine's links").isEqualTo(machineLinks);
            assertThat(IpOracle.exec(fixture.host, "ip", "-o", "link")).isEqualTo(hostLinks);
        } finally {
            rootNamespaceProcess.destroyForcibly().waitFor();
        }
        // host mode still joins the host's namespace, and a bridge network still joins a container's
        Endpoint hostMode = c.createEndpoint("host", EndpointConfig.named("hm"));
        c.join(hostMode.id(), "h3");
        NetNs container = fixture.namespace("c");
        c.adoptSandbox("c", container.path());
        c.join(c.createEndpoint("web", EndpointConfig.named("c")).id(), "c");
        assertThat(IpOracle.exec(container, "ip", "-o", "link")).contains("eth0");
    }

    /** The machine's own links, as `ip` run in this JVM's namespace lists them. */
    private static String machineLinks() throws IOException, InterruptedException {
        Process ip = new ProcessBuilder("ip", "-o", "link").redirectErrorStream(true).start();
        String out = new String(ip.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ip.waitFor()).isZero();
        return out;
    }
}
