package io.netmgr.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the built netmgrd ({@link DaemonProcess}) bound to a namespace of the test's playing
 * the host: the test's namespaces ({@link #netns}), the sandbox namespaces its daemon made and the
 * test names ({@link #sandboxNamespaces}), removed after it, passed or not, and a temp directory.
 */
abstract class DaemonOnTestHost {
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @RegisterExtension
    final DaemonSandboxes sandboxNamespaces = new DaemonSandboxes();

    @TempDir
    Path dir;
}
