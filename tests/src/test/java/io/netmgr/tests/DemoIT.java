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
    void demoStartsNetmgrdAndShowsANetworkTwoSandboxesAndAPublishedPortThenLeavesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        var r = Distribution.run(Distribution.HOME.resolve("bin/netmgr"), Map.of(), "demo", "--subnet", "10.201.7.0/24");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("netmgrd started: pid ")
                .contains("$ netmgr network create --subnet 10.201.7.0/24 demo")
                .contains("$ netmgr network connect -p 8080:80 demo web")
                .containsPattern("(?m)^[0-9a-f]{12} +demo +bridge +10.201.7.0/24$")
                .contains("TCP client -> web                  10.201.7.2:80  \"hello from 10.201.7.3\" echoed back")
                .contains("TCP host -> 127.0.0.1 (published)  127.0.0.1:8080  \"hello from the host\" echoed back")
                .contains("TCP client -> gateway (published)  10.201.7.1:8080  \"hello from 10.201.7.3\" echoed back")
                .contains("netmgrd stopped (SIGTERM)");
        assertThat(r.out() + r.err()).as("no JVM error or warning on a healthy run").doesNotContain("[error]")
                .doesNotContain("[warning]");
        try (Stream<Path> left = Files.list(Path.of("/run/netns"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("nm-demo-"));
        }
        String socket = r.out().lines().filter(l -> l.startsWith("netmgrd started: ")).findFirst().orElseThrow()
                .replaceAll(".*socket (\\S+),.*", "$1");
        assertThat(Path.of(socket).getParent()).as("the demo's temp dir").doesNotExist();
        long pid = Long.parseLong(r.out().replaceAll("(?s).*netmgrd started: pid (\\d+),.*", "$1"));
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("netmgrd stopped").isEmpty();
    }
}
