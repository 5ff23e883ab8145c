package io.netmgr.core.kernel;

import io.netmgr.core.NetmgrException;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.SystemCallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Sandbox namespaces as bind mounts under a run directory, entered with setns(2). */
final class LinuxSandboxNamespaces implements SandboxNamespaces {
    private final Path runDir;

    LinuxSandboxNamespaces(Path runDir) {
        this.runDir = runDir;
    }

    @Override
    public Path make(String name) {
        NetNs ns = NetNs.create(name, runDir);
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().setUp("lo");
            return ns.path();
        } catch (RuntimeException e) {
            NetNs.delete(name, runDir); // unmounts; the namespace dies when the handle closes below
            throw e;
        } finally {
            ns.close();
        }
    }

    @Override
    public void remove(Path path) {
        NetNs.delete(path.getFileName().toString(), path.getParent());
    }

    @Override
    public boolean exists(Path path) {
        // a namespace file is on nsfs, like the process's own; the empty file an unmounted entry
        // leaves (a reboot, a daemon that ran in a mount namespace of its own) is not one, and
        // entering it would fail every join with EINVAL
        try {
            return NetNs.identityOf(path).device() == NetNs.process().identity().device();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public SandboxNamespace open(Path path) {
        try {
            return LinuxSandboxNamespace.enter(NetNs.openPath(path));
        } catch (SystemCallException e) {
            throw NetmgrException.invalid("cannot use " + path + " as a sandbox: " + e.getMessage()
                    + "; give the path of a network namespace, such as /run/netns/NAME or /proc/PID/ns/net");
        }
    }

    @Override
    public Optional<SandboxNamespace> openIfAlive(Path path) {
        NetNs ns;
        try {
            ns = NetNs.openPath(path);
        } catch (SystemCallException e) {
            return Optional.empty(); // a DEL after the runtime removed it
        }
        return Optional.of(LinuxSandboxNamespace.enter(ns));
    }
}
