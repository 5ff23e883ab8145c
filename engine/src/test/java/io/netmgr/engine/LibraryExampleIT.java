package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import example.LibraryExample;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.nat.Probe;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library example of docs/library.md ({@link LibraryExample}, the same text, see
 * {@link DocExamplesTest}) run as written, with a namespace playing the host.
 */
class LibraryExampleIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path stateDir;

    private final Probe probe = new Probe();
    private Engine engine;

    @AfterEach
    void stop() {
        probe.close();
        if (engine != null) {
            for (Sandbox s : engine.controller().sandboxes()) { // what a failed assertion left
                engine.controller().deleteSandbox(s.id());
            }
            engine.close();
        }
    }

    @Test
    void theExampleConnectsAContainerPublishesItsPortAndRemovesEverything() {
        NetNs host = netns.create("host");
        engine = Engine.open(EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(host));
        NetworkController c = engine.controller();

        Endpoint web = LibraryExample.connect(c);
        assertThat(web.addresses()).extracting(Object::toString).containsExactly("10.30.0.10/24");
        assertThat(web.interfaceName()).isEqualTo("eth0");
        Path namespace = c.sandbox("web").path();
        try (NetNs ns = NetNs.openPath(namespace)) {
            probe.tcpServer(ns, 80, "web");
        }
        assertThat(Probe.tcp(host, "127.0.0.1", 8080)).as("published on the host's loopback").isPresent();
        assertThat(Probe.tcp(host, "10.30.0.10", 80)).as("the container from its host").isPresent();

        LibraryExample.disconnect(c);
        assertThat(c.endpoints()).isEmpty();
        assertThat(c.sandboxes()).isEmpty();
        assertThat(c.networks(NetworkFilter.ALL)).extracting(Network::name).containsExactly("bridge", "host", "none");
        assertThat(Files.exists(namespace)).as("the namespace netmgr made is gone").isFalse();
        assertThat(Probe.tcp(host, "127.0.0.1", 8080)).as("the port is withdrawn").isEmpty();
    }
}
