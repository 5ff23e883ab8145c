package example;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.engine.Engine;
import io.netmgr.engine.EngineConfig;

/** netmgr as a library: a container "web" on a bridge network publishing a port, then removed. */
public final class LibraryExample {
    private LibraryExample() {
    }

    public static void main(String[] args) {
        // state in /var/lib/netmgr, nftables, this process's namespace as the host
        try (Engine engine = Engine.open(EngineConfig.defaults())) {
            NetworkController c = engine.controller();
            Endpoint web = connect(c);
            System.out.println("web: " + web.addresses() + " on " + web.interfaceName() + ", host port 8080 -> 80");
            disconnect(c);
        }
    }

    /** Network "front", sandbox "web" joined to it at 10.30.0.10, host port 8080 to its port 80. */
    public static Endpoint connect(NetworkController c) {
        c.createNetwork(NetworkConfig.of("front", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.30.0.0/24"))));
        Sandbox web = c.createSandbox("web"); // a namespace netmgr makes; adoptSandbox(name, path) takes a runtime's
        Endpoint e = c.createEndpoint("front", EndpointConfig.named("web").withIpv4("10.30.0.10").withPorts("8080:80"));
        return c.join(e.id(), web.id()); // eth0 10.30.0.10/24, default route via 10.30.0.1, 8080 published
    }

    /** Deletes the sandbox, which takes its endpoint along (interface, address, port), then the network. */
    public static void disconnect(NetworkController c) {
        c.deleteSandbox("web");
        c.deleteNetwork("front");
    }
}
