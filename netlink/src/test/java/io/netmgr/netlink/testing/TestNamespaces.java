package io.netmgr.netlink.testing;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fresh named network namespaces for one test, deleted after it whether it passed or not.
 * Skips the test (with the reason) when not run as root. Register with
 * {@code @RegisterExtension final TestNamespaces netns = new TestNamespaces();}.
 */
public final class TestNamespaces implements BeforeEachCallback, AfterEachCallback {
    private final Deque<NetNs> created = new ArrayDeque<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(isRoot(), "needs root: creates network namespaces");
    }

    /** A new namespace named {@code nmt-<hint>-<random>}, with loopback up. */
    public NetNs create(String hint) {
        String name = "nmt-" + hint + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        NetNs ns = NetNs.create(name);
        created.push(ns);
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().setUp("lo");
        }
        return ns;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException first = null;
        while (!created.isEmpty()) {
            NetNs ns = created.pop();
            try {
                String name = ns.path().getFileName().toString();
                ns.close();
                NetNs.delete(name);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
