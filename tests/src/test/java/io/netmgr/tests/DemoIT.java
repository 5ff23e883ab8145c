package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's main job, run through the built launcher: real namespaces, real TCP, nothing left. */
class DemoIT {

    @Test
    void demoSendsTcpBetweenTwoSandboxesAndLeavesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        var r = Distribution.run(Distribution.HOME.resolve("bin/netmgr"), Map.of(), "demo", "--subnet", "10.201.7.0/24");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("subnet 10.201.7.0/24, gateway 10.201.7.1")
                .contains("sandbox web      eth0 10.201.7.2/24 mac 02:42:0a:c9:07:02")
                .contains("TCP client -> web                  10.201.7.2:80  \"hello from 10.201.7.3\" echoed back")
                .contains("TCP host -> 127.0.0.1 (published)  127.0.0.1:8080  \"hello from the host\" echoed back")
                .contains("store            embedded LMDB in /tmp/netmgr-demo-");
        try (Stream<Path> left = Files.list(Path.of("/run/netns"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("nm-demo-"));
        }
        String stateDir = r.out().lines().filter(l -> l.startsWith("store            embedded LMDB in ")).findFirst().orElseThrow()
                .substring("store            embedded LMDB in ".length());
        assertThat(Path.of(stateDir)).doesNotExist();
    }
}
