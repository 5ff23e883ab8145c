package io.netmgr.netlink.testing;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fresh named network namespaces for one test, deleted after it whether it passed or not.
 * Skips the test (with the reason) when not run as root. Register with
 * {@code @RegisterExtension final TestNamespaces netns = new TestNamespaces();}; for namespaces
 * a whole class shares (one expensive daemon per class), {@code @RegisterExtension static final
 * TestNamespaces netns = TestNamespaces.perClass();}, deleted after the class's last test.
 */
public final class TestNamespaces implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private final Deque<NetNs> created = new ArrayDeque<>();
    private final boolean perClass;

    public TestNamespaces() {
        this(false);
    }

    private TestNamespaces(boolean perClass) {
        this.perClass = perClass;
    }

    /** Namespaces kept from the class's first test to after its last. */
    public static TestNamespaces perClass() {
        return new TestNamespaces(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Assumptions.assumeTrue(isRoot(), "needs root: creates network namespaces");
    }

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
        if (!perClass) {
            deleteAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        deleteAll(); // an instance field's extension has deleted its own after each test already
    }

    private void deleteAll() {
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
