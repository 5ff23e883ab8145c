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

    @Test
    void demoAcrossThreeHostsSpreadsTheServiceAndItsPortAnswersOnEveryHostThenLeavesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        String reason = io.netmgr.store.etcd.EtcdCluster.unusableReason();
        assumeTrue(reason.isEmpty(), reason);
        var r = Distribution.run(Distribution.HOME.resolve("bin/netmgr"), Map.of(), "demo", "--hosts", "3", "--subnet", "10.202.7.0/24");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("etcd started: 3 members on loopback, etcd://127\\.0\\.0\\.1:[0-9]+,")
                .contains("host1$ netmgr node ls")
                .containsPattern("(?m)^[0-9a-f]{12} +\\* +\\S+ +198\\.51\\.100\\.1 +alive$")
                .contains("host1$ netmgr network create -d overlay --subnet 10.202.7.0/24 demo")
                .containsPattern("(?m)^[0-9a-f]{12} +demo +overlay +global +10\\.202\\.7\\.0/24$")
                .contains("TCP client (host2) -> web (host1)")
                .contains("host2$ netmgr service ps hello")
                .contains("# the 3 tasks run on 3 hosts")
                .containsPattern("(?m)^10\\.202\\.7\\.[0-9]+ +hello$");
        for (int slot = 1; slot <= 3; slot++) {
            assertThat(r.out()).containsPattern("(?m)^hello\\." + slot + " +10\\.202\\.7\\.[0-9]+/24 +198\\.51\\.100\\.[123] +running ");
        }
        // through the VIP and on every host's published port, every task answered some of the 30 connections
        String everyTask = "answered by hello\\.1 \\(on 198\\.51\\.100\\.[123]\\) [0-9]+, hello\\.2 \\(on 198\\.51\\.100\\.[123]\\) [0-9]+, "
                + "hello\\.3 \\(on 198\\.51\\.100\\.[123]\\) [0-9]+ in";
        assertThat(r.out()).containsPattern("TCP client -> hello \\(VIP\\) +10\\.202\\.7\\.[0-9]+:80  " + everyTask);
        for (int host = 1; host <= 3; host++) {
            assertThat(r.out()).containsPattern("TCP outside -> host" + host + " \\(published\\) +198\\.51\\.100\\." + host + ":8081  "
                    + everyTask);
        }
        assertThat(r.out()).contains("host3$ netmgr service rm hello").contains("host1$ netmgr network rm demo")
                .contains("netmgrd on host3 stopped (SIGTERM)").contains("etcd stopped, its data removed");
        try (Stream<Path> left = Files.list(Path.of("/run/netns"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("nm-demo-"));
        }
        String socket = r.out().lines().filter(l -> l.startsWith("host1: ")).findFirst().orElseThrow()
                .replaceAll(".*socket (\\S+)$", "$1");
        assertThat(Path.of(socket).getParent().getParent()).as("the demo's temp dir").doesNotExist();
        for (String pid : r.out().replaceAll("(?s).*\\(pids ([0-9, ]+)\\).*", "$1").split(", ")) {
            assertThat(ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)).as("etcd member " + pid + " stopped").isEmpty();
        }
        for (String line : r.out().lines().filter(l -> l.matches("host[0-9]: .*netmgrd pid .*")).toList()) {
            long pid = Long.parseLong(line.replaceAll(".*netmgrd pid ([0-9]+),.*", "$1"));
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("netmgrd " + pid + " stopped").isEmpty();
        }
    }
}
