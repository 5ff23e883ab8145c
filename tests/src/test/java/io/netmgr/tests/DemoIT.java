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
    void demoStartsNetmgrdAndShowsANetworkTwoSandboxesAPublishedPortAndAServiceThenLeavesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        var r = Distribution.run(Distribution.HOME.resolve("bin/netmgr"), Map.of(), "demo", "--subnet", "10.201.7.0/24");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("netmgrd started: pid ")
                .contains("$ netmgr network create --subnet 10.201.7.0/24 demo")
                .contains("$ netmgr network connect -p 8080:80 demo web")
                .containsPattern("(?m)^[0-9a-f]{12} +demo +bridge +(local +)?10.201.7.0/24$")
                .contains("TCP client -> web                  10.201.7.2:80  \"hello from 10.201.7.3\" echoed back")
                .contains("TCP host -> 127.0.0.1 (published)  127.0.0.1:8080  \"hello from the host\" echoed back")
                .contains("TCP client -> gateway (published)  10.201.7.1:8080  \"hello from 10.201.7.3\" echoed back")
                .contains("$ netmgr service create hello --network demo --replicas 3 -p 8081:80 -- busybox nc -ll -p 80 -e sh -c "
                        + "'echo hello from $NETMGR_TASK_NAME'")
                .containsPattern("(?m)^hello\\.1 +10\\.201\\.7\\.[0-9]+/24 +\\S+ +running +[0-9]+ +0 +-$")
                .containsPattern("(?m)^10\\.201\\.7\\.([0-9]+) +hello$")
                // every task answered some of the 30 connections, through the VIP and through the published port
                .containsPattern("TCP client -> hello \\(VIP\\) +10\\.201\\.7\\.[0-9]+:80  answered by hello\\.1 [0-9]+, hello\\.2 [0-9]+, "
                        + "hello\\.3 [0-9]+ in")
                .containsPattern("TCP host -> 127\\.0\\.0\\.1 \\(published\\) +127\\.0\\.0\\.1:8081  answered by hello\\.1 [0-9]+, "
                        + "hello\\.2 [0-9]+, hello\\.3 [0-9]+ in")
                .contains("$ netmgr service rm hello")
                .contains("netmgrd stopped (SIGTERM)");
        String vip = r.out().replaceAll("(?s).*\n(10\\.201\\.7\\.[0-9]+) +hello\n.*", "$1");
        assertThat(r.out()).as("the name resolves to the VIP the connections went to").contains("TCP client -> hello (VIP)")
                .containsPattern("hello \\(VIP\\) +" + vip.replace(".", "\\.") + ":80 ");
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
