package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finding and removing the netmgr objects of CNI attachments; one code path serves DEL, GC and
 * the undo of a failed ADD.
 */
final class Attachments {
    private Attachments() {
    }

    static Optional<Endpoint> endpoint(NetworkController c, Network network, Attachment a) {
        return byName(c, network, a.endpointName());
    }

    static Optional<Endpoint> byName(NetworkController c, Network network, String endpointName) {
        return c.findEndpoint(network.id(), endpointName);
    }

    /** The endpoints of CNI attachments on {@code network}. */
    static List<Endpoint> onNetwork(NetworkController c, Network network) {
        return c.endpoints().stream().filter(e -> e.networkId().equals(network.id()) && e.name().startsWith(Attachment.PREFIX))
                .toList();
    }

    /**
     * The container's sandbox: adopted now, or the one an attachment on another network made.
     * A record left for a namespace that is gone (the runtime made a new one) is replaced.
     */
    static Sandbox sandboxFor(NetworkController c, Attachment a, Path netns) {
        Optional<Sandbox> existing = sandbox(c, a.sandboxName());
        if (existing.isPresent()) {
            Sandbox s = existing.get();
            if (samePath(s.path(), netns)) {
                return s;
            }
            if (Files.exists(s.path())) {
                throw new CniError(CniError.CONFLICT, "container " + a.containerId() + " is already attached with netns "
                        + s.path() + ", not " + netns, "DEL its attachments first");
            }
            c.deleteSandbox(s.id());
        }
        return c.adoptSandbox(a.sandboxName(), netns);
    }

    /** /var/run/netns/x and /run/netns/x are the same namespace on Debian, where /var/run links to /run. */
    private static boolean samePath(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (java.io.IOException e) {
            return a.equals(b);
        }
    }

    static Optional<Sandbox> sandbox(NetworkController c, String name) {
        return c.findSandbox(name);
    }

    /** Leaves, releases the addresses of and forgets the endpoint, then its sandbox if nothing else uses it. */
    static void remove(NetworkController c, Endpoint e) {
        String sandboxId = e.sandboxId();
        c.deleteEndpoint(e.id());
        if (sandboxId != null) {
            c.findSandboxById(sandboxId).ifPresent(s -> forgetSandboxIfUnused(c, s.name()));
        }
    }

    /** Forgets the sandbox (the netns stays: it is the runtime's) once no endpoint is in it. */
    static void forgetSandboxIfUnused(NetworkController c, String sandboxName) {
        sandbox(c, sandboxName).ifPresent(s -> {
            if (c.endpoints().stream().noneMatch(e -> s.id().equals(e.sandboxId()))) {
                c.deleteSandbox(s.id());
            }
        });
    }

    /** Undo for a failed ADD: the first failure is what the runtime must see. */
    static void removeQuietly(NetworkController c, Endpoint e, RuntimeException cause) {
        if (e == null) {
            return;
        }
        try {
            c.deleteEndpoint(e.id());
        } catch (RuntimeException ex) {
            cause.addSuppressed(ex);
        }
    }

    /** Deletes a network this call made, keeping any failure as suppressed by {@code cause}. */
    static void removeNetworkQuietly(NetworkController c, Network network, RuntimeException cause) {
        try {
            c.deleteNetwork(network.id());
        } catch (RuntimeException ex) {
            cause.addSuppressed(ex);
        }
    }
}
