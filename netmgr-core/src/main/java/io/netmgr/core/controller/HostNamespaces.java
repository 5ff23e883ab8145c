package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The namespaces a join must never put a container's interface into: the one the controller
 * treats as the host, the one its process runs in, and the machine's root namespace (PID 1's).
 * A sandbox is compared by the device and inode of its namespace, not by its path, so
 * /proc/self/ns/net, /proc/thread-self/ns/net, /proc/PID/ns/net of any process in those
 * namespaces and a bind mount of them are all recognised.
 */
final class HostNamespaces {
    private static final Path MACHINE_ROOT = Path.of("/proc/1/ns/net");

    private final Set<NetNs.Identity> hosts = new HashSet<>();

    /** {@code host} is null for a controller on a fake kernel, whose sandboxes are no namespaces. */
    HostNamespaces(NetNs host) {
        if (host != null) {
            hosts.add(host.identity());
        }
        hosts.add(NetNs.process().identity());
        try {
            hosts.add(NetNs.identityOf(MACHINE_ROOT));
        } catch (IOException | SecurityException e) {
            // in a PID namespace of its own, or without the right to look: the two above remain
        }
    }

    /**
     * Refuses to join {@code network} into {@code sandbox} (whose namespace is {@code ns}) when it
     * is a host's namespace: the interface and a default route would land on the host. Only a
     * driver that uses the host's namespace as it is (host) may.
     */
    void checkJoin(Network network, boolean driverUsesHostNamespace, Sandbox sandbox, NetNs ns) {
        if (!driverUsesHostNamespace && ns != null && hosts.contains(ns.identity())) {
            throw NetmgrException.invalid("cannot join network " + network.name() + " into sandbox " + sandbox.name()
                    + ": its namespace " + sandbox.path() + " is the host's network namespace, and the join would put "
                    + "an interface and a default route into the host; a container that wants the host's network "
                    + "joins the network \"host\" instead");
        }
    }
}
