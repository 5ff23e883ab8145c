package io.netmgr.tests;

import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A CNI test class whose every test runs twice: netmgr-cni in-process, and through a netmgrd
 * the test starts ({@link CniTestHost.Via}); {@link #t} is the host of the current run.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(CniTestHost.Via.class)
abstract class CniOnBothPaths {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path tmp;
    @Parameter
    CniTestHost.Via via;

    CniTestHost t;

    @BeforeEach
    void startHost() throws Exception {
        t = CniTestHost.start(netns, tmp, via);
    }

    /** Before the namespaces go (the extension's turn comes after): the daemon bound to one of them stops first. */
    @AfterEach
    void stopHost() throws Exception {
        t.close();
    }
}
