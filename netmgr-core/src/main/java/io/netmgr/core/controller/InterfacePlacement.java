package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.JoinMode;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.kernel.SandboxNamespace;
import io.netmgr.core.kernel.SandboxRoutes;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;

/**
 * Where a join puts an endpoint's interface, by {@link JoinMode}: into the sandbox, with its
 * addresses and routes ({@link #plug}), or left in the host namespace for a caller that moves it
 * into a sandbox of its own (the hand-over dockerd asks for); and the name it gets. Each step
 * pushes its undo.
 */
final class InterfacePlacement {
    private final HostContext host;

    InterfacePlacement(HostContext host) {
        this.host = host;
    }

    /**
     * The name the endpoint's interface gets: its own, or the sandbox's next free one; handed over,
     * its own, which names the interface in the host namespace until the caller renames it.
     */
    static String interfaceName(Endpoint endpoint, Sandbox sandbox, SandboxNamespace ns, JoinMode mode) {
        if (mode == JoinMode.HAND_OVER) {
            if (endpoint.interfaceName() == null) {
                throw NetmgrException.invalid("endpoint " + endpoint.name() + " needs an interface name to be handed over");
            }
            return endpoint.interfaceName();
        }
        String ifName = endpoint.interfaceName() != null ? endpoint.interfaceName() : ns.nextFreeInterfaceName();
        if (ns.hasInterface(ifName)) {
            throw NetmgrException.conflict("sandbox " + sandbox.name() + " already has an interface named " + ifName
                    + "; give endpoint " + endpoint.name() + " another interface name");
        }
        return ifName;
    }

    /** Has the driver place {@code named}'s interface as {@code mode} says; {@code ns} is null for a hand-over. */
    JoinInfo place(JoinMode mode, NetworkDriver driver, Network network, Endpoint named, SandboxNamespace ns, Undo undo) {
        return mode == JoinMode.HAND_OVER ? handOver(driver, network, named, undo) : plug(driver, network, named, ns, undo);
    }

    /** The driver puts {@code named}'s interface into the sandbox; then it gets its addresses and routes. */
    JoinInfo plug(NetworkDriver driver, Network network, Endpoint named, SandboxNamespace ns, Undo undo) {
        JoinInfo info = driver.join(host, network, named, ns.handle());
        undo.push(() -> driver.leave(host, network, named, ns.handle()));
        if (info.sandboxInterface().isPresent()) {
            ns.configure(named.interfaceName(), named, SandboxRoutes.of(network, named, info.gateways(), info.staticRoutes()));
        }
        return info;
    }

    /** The driver makes {@code named}'s interface in the host namespace, for the caller to move into its sandbox. */
    private JoinInfo handOver(NetworkDriver driver, Network network, Endpoint named, Undo undo) {
        if (!named.bandwidth().isEmpty()) {
            throw NetmgrException.invalid("endpoint " + named.name() + " has bandwidth limits, which netmgr sets inside the "
                    + "sandbox; an interface handed over to its caller cannot keep them");
        }
        JoinInfo info = driver.joinForHandOver(host, network, named);
        undo.push(() -> driver.leave(host, network, named, null));
        if (info.sandboxInterface().isEmpty()) {
            throw NetmgrException.invalid("network " + network.name() + " uses driver " + driver.name()
                    + ", which makes no interface to hand over");
        }
        return info;
    }
}
