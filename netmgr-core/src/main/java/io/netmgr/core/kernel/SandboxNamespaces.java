package io.netmgr.core.kernel;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The network namespaces of sandboxes: those netmgr makes for its own sandboxes, and any a
 * runtime made, entered by path. The real one ({@link #mountedUnder}) mounts what it makes
 * under a run directory, as {@code ip netns} does; unit tests give a fake.
 */
public interface SandboxNamespaces {

    /** Namespaces made under {@code runDir} (e.g. /run/netns), entered with setns(2). */
    static SandboxNamespaces mountedUnder(Path runDir) {
        return new LinuxSandboxNamespaces(runDir);
    }

    /** Makes a namespace named {@code name}, its loopback up, and returns its path; nothing is left when it fails. */
    Path make(String name);

    /** Removes a namespace {@link #make} made; it dies with its last user. */
    void remove(Path path);

    /** Whether a namespace is still at {@code path} (a runtime may have removed it). */
    boolean exists(Path path);

    /**
     * Enters the namespace at {@code path}.
     *
     * @throws io.netmgr.core.NetmgrException INVALID, naming the path, when it is no network
     *                                        namespace this process can enter
     */
    SandboxNamespace open(Path path);

    /** Enters the namespace at {@code path}, or nothing when it is gone. */
    Optional<SandboxNamespace> openIfAlive(Path path);
}
