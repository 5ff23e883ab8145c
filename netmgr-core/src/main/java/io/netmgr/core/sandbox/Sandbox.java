package io.netmgr.core.sandbox;

import java.nio.file.Path;

/**
 * One container's network stack: a network namespace. {@code owned} sandboxes were made by
 * netmgr and are deleted with it; adopted ones (a runtime's namespace, the host's) are not.
 * {@code users} counts the containers sharing it (container mode).
 */
public record Sandbox(String id, String name, String namespacePath, boolean owned, int users) {

    public Path path() {
        return Path.of(namespacePath);
    }

    public Sandbox withUsers(int n) {
        return new Sandbox(id, name, namespacePath, owned, n);
    }
}
