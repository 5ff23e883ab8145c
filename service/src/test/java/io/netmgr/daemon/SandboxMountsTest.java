package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading /proc/self/mountinfo for where sandbox namespaces would be mounted. */
class SandboxMountsTest {
    private static final String ROOT = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw";
    private static final String RUN_SLAVE = "40 27 0:25 / /run rw,nosuid master:3 - tmpfs tmpfs rw";
    private static final Path NETNS = Path.of("/run/netns");

    @Test
    void theHostsSharedRunNetnsIsVisible() {
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT, "45 27 254:0 /run/netns /run/netns rw shared:1 - ext4 /dev/vda rw"),
                NETNS)).isEmpty();
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT), NETNS)).as("a plain directory of the host's root").isEmpty();
    }

    @Test
    void aSlaveCopyAsIpNetnsExecMakesItIsHidden() {
        // under ip netns exec: the host's shared /run/netns, now a slave of it
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT, "60 27 254:0 /run/netns /run/netns rw master:1 - ext4 /dev/vda rw"),
                NETNS)).contains("/run/netns");
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT, RUN_SLAVE), NETNS)).as("the nearest mount above it").contains("/run");
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT, "61 27 254:0 /run/netns /run/netns rw shared:9 master:1 - ext4 x rw"),
                NETNS)).as("shared with its peers, still a slave of the host's").contains("/run/netns");
    }

    @Test
    void theTopmostOfStackedMountsDecidesAndOtherPathsDoNotMatch() {
        String slaveBelow = "60 27 254:0 /run/netns /run/netns rw master:1 - ext4 /dev/vda rw";
        String sharedOnTop = "62 60 254:0 /run/netns /run/netns rw shared:5 - ext4 /dev/vda rw";
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT, slaveBelow, sharedOnTop), NETNS)).isEmpty();
        assertThat(SandboxMounts.hiddenFromHost(List.of(ROOT, "63 27 0:9 / /running rw master:2 - tmpfs t rw"), NETNS)).isEmpty();
    }
}
