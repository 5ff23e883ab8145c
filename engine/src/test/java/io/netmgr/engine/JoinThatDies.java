package io.netmgr.engine;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;

/**
 * Child process of {@link RestartIT}, run with {@code -Dnetmgr.crashAt=POINT}: an engine on the
 * state dir adopts sandbox c1 and joins it to network web publishing 8080, and dies at POINT of
 * that join. Arguments: state dir, host namespace path, c1's namespace path. Prints "created"
 * once the endpoint is stored, so the parent knows the death came from the join.
 */
public final class JoinThatDies {
    public static void main(String[] args) {
        NetNs host = NetNs.openPath(Path.of(args[1]));
        try (Engine engine = Engine.open(EngineConfig.defaults().withStateDir(Path.of(args[0])).withHostNamespace(host)
                .withFirewall(FirewallChoice.NFTABLES).withRuleGuard(false))) {
            NetworkController c = engine.controller();
            c.adoptSandbox("c1", Path.of(args[2]));
            Endpoint e = c.createEndpoint("web", EndpointConfig.named("c1").withIpv4("10.50.1.9").withPorts("8080:80"));
            System.out.println("created");
            System.out.flush();
            c.join(e.id(), "c1");
            System.out.println("joined: the crash point was never reached");
        }
    }
}
