package io.netmgr.tests;

import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The namespaces a test's netmgrd made for sandboxes: those still there after the test are deleted, also when it failed. */
final class DaemonSandboxes implements AfterEachCallback {
    private final List<String> paths = new ArrayList<>();

    /** Remembers the namespace at {@code path}; returns it. */
    String add(String path) {
        paths.add(path);
        return path;
    }

    String get(int i) {
        return paths.get(i);
    }

    List<String> all() {
        return List.copyOf(paths);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (String path : paths) {
            Path p = Path.of(path);
            if (Files.exists(p)) {
                NetNs.delete(p.getFileName().toString());
            }
        }
    }
}
