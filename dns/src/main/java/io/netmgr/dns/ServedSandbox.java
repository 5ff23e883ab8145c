package io.netmgr.dns;

import java.nio.file.Path;

/**
 * A sandbox the resolver answers in: its namespace's path, its name, and whether netmgr made it
 * (only those get a resolv.conf written for them).
 */
public record ServedSandbox(String id, String name, Path namespacePath, boolean owned) {
}
