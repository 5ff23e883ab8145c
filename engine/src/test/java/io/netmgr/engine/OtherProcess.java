package io.netmgr.engine;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.netlink.ns.NetNs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * Child process of {@link EngineFirewallIT}: a second engine on the same state dir, as a CNI
 * plugin run is beside the daemon. Publishes 8090 for sandbox c2 on network web, says "joined",
 * waits for a line, withdraws it, says "left". Arguments: state dir, host namespace path,
 * firewall backend, c2's namespace path.
 */
public final class OtherProcess {
    public static void main(String[] args) throws Exception {
        NetNs host = NetNs.openPath(Path.of(args[1]));
        try (Engine engine = Engine.open(EngineConfig.defaults().withStateDir(Path.of(args[0])).withHostNamespace(host)
                .withFirewall(FirewallChoice.parse("the third argument", args[2])).withReconcile(false).withRuleGuard(false))) {
            NetworkController c = engine.controller();
            c.adoptSandbox("c2", Path.of(args[3]));
            Endpoint e = c.createEndpoint("web", EndpointConfig.named("c2").withPorts("8090:80"));
            c.join(e.id(), "c2");
            System.out.println("joined");
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            c.deleteEndpoint(e.id());
            c.deleteSandbox("c2");
            System.out.println("left");
        }
    }
}
