package io.netmgr.daemon;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Docker's rule that a container joins a network once, held when requests race: the check (is
 * the sandbox connected to the network already?) and the create+join it guards run under one
 * lock per sandbox, so two clients connecting one sandbox at the same moment cannot both pass
 * the check. Without it, 16 concurrent connects of one sandbox gave it 8 interfaces on one
 * network. Different sandboxes take different locks (by stripe) and go on side by side.
 */
final class SandboxConnections {
    private static final int STRIPES = 64;

    private final NetworkController controller;
    private final Object[] locks = new Object[STRIPES];

    SandboxConnections(NetworkController controller) {
        this.controller = controller;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** Runs {@code connect} while no other connect of {@code sandbox} runs. */
    <T> T exclusively(Sandbox sandbox, Supplier<T> connect) {
        synchronized (locks[Math.floorMod(sandbox.id().hashCode(), STRIPES)]) {
            return connect.get();
        }
    }

    /** The endpoint connecting {@code sandbox} to {@code network}, if any. */
    Optional<Endpoint> existing(Network network, Sandbox sandbox) {
        return controller.endpointsOn(network.id()).stream().filter(e -> sandbox.id().equals(e.sandboxId())).findFirst();
    }
}
