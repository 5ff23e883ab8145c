package io.netmgr.engine;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of an {@link Engine} bound to the host namespace of a {@link TestHost} (a host with an
 * outside namespace on its uplink), its state in a temp dir. After each test the sandboxes and
 * endpoints left are removed, the probes' servers stopped and the engine closed.
 */
abstract class EngineOnTestHost {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path stateDir;

    final Probe probe = new Probe();
    TestHost t;
    Engine engine;

    /**
     * Opens an engine on {@link #t}'s host (made first if need be): {@code longLived} as netmgrd
     * runs it (rule guard, bridge healer), else as a CNI plugin run does.
     */
    Engine open(FirewallChoice firewall, boolean longLived) {
        if (t == null) {
            t = TestHost.create(netns);
        }
        engine = Engine.open(EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(t.host).withFirewall(firewall)
                .withRuleGuard(longLived));
        return engine;
    }

    @AfterEach
    void removeWhatTheTestMade() {
        probe.close();
        if (engine != null) {
            for (Sandbox s : engine.controller().sandboxes()) {
                engine.controller().deleteSandbox(s.id());
            }
            for (Endpoint e : engine.controller().endpoints()) {
                engine.controller().deleteEndpoint(e.id());
            }
            engine.close();
        }
    }
}
