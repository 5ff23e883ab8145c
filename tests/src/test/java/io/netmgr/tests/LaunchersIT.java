package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The launchers find lib/ from their real path and choose a usable Java. */
class LaunchersIT {
    private static final Path NETMGR = Distribution.HOME.resolve("bin/netmgr");

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void runsFromTheDistribution() throws Exception {
        var r = Distribution.run(NETMGR, Map.of(), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("netmgr ");
    }

    @Test
    void netmgrdSharesTheLauncher() throws Exception {
        var r = Distribution.run(Distribution.HOME.resolve("bin/netmgrd"), Map.of(), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("netmgrd ");
    }

    @Test
    void runsThroughASymlinkElsewhere(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("netmgr"), NETMGR);
        Path linkToLink = Files.createSymbolicLink(dir.resolve("nm"), link);
        assertThat(Distribution.run(linkToLink, Map.of(), "--version").out()).startsWith("netmgr ");
    }

    @Test
    void runsFromACopyOfTheWholeDistribution(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("opt/netmgr");
        copyTree(Distribution.HOME, copy);
        var r = Distribution.run(copy.resolve("bin/netmgr"), Map.of(), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void aTooOldJavaIsRefusedWithAHint(@TempDir Path dir) throws Exception {
        Path fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
        fakeJava.toFile().setExecutable(true);
        var r = Distribution.run(NETMGR, Map.of("NETMGR_JAVA", fakeJava.toString()), "--version");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("needs Java 17 or newer").contains("version 11").contains("NETMGR_JAVA");
    }

    @Test
    void badInputGivesOneLineAndExitCode2() throws Exception {
        var r = Distribution.run(NETMGR, Map.of(), "demo", "--subnet", "300.1.1.0/24");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("demo: bad --subnet \"300.1.1.0/24\": 300 is not an IPv4 octet (0-255)");
    }

    /**
     * A JVM warning printed to stdout would corrupt the CNI result a runtime parses (CniPluginIT
     * once failed so under load, with an "[12.345s][warning]..." line first): with class data
     * sharing off (no archive directory) and a flag that makes the JVM warn, stdout holds only
     * the answer.
     */
    @Test
    void jvmWarningsGoToStderrNeverToStdout() throws Exception {
        Map<String, String> env = Map.of("NETMGR_OPTS", "-XX:+UseLargePages", "NETMGR_CDS_DIR", "");
        var cli = Distribution.run(NETMGR, env, "--version");
        assertThat(cli.out()).startsWith("netmgr ");
        assertThat(cli.err()).contains("UseLargePages");

        String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"warn\",\"type\":\"netmgr\",\"daemonSocket\":\"/nonexistent/netmgr.sock\"}";
        var cni = Distribution.run(Path.of("/bin/sh"), env, "-c",
                "echo '" + conf + "' | CNI_COMMAND=ADD " + Distribution.HOME.resolve("bin/netmgr-cni"));
        assertThat(cni.exit()).as(cni.err()).isNotZero();
        assertThat(io.netmgr.cni.Json.parseObject(cni.out())).containsKey("code");
        assertThat(cni.err()).contains("UseLargePages");
    }

    /**
     * lmdbjava copied LMDB's library into a new file in the temp directory on every start, left
     * there when the JVM was killed: the launchers point it at the distribution's lib/native. With
     * the JVM's temp directory a test's own: netmgrd holding its store open, a CLI call, netmgrd
     * killed, and an in-process CNI DEL leave nothing there.
     */
    @Test
    void lmdbsLibraryComesFromTheDistributionNoCopyInTheTempDirectory(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> env = Map.of("NETMGR_OPTS", "-Djava.io.tmpdir=" + tmp, "NETMGR_CDS_DIR", "");
        NetNs host = netns.create("lmdb");
        DaemonProcess daemon = new DaemonProcess(Files.createDirectories(dir.resolve("d")), NetmgrdIT.name(host), env);
        try (daemon) {
            daemon.start();
            assertThat(Distribution.run(NETMGR, env, "-H", daemon.host(), "network", "ls").exit()).isZero();
            assertThat(Distribution.filesIn(tmp)).as("the temp directory while netmgrd runs").isEmpty();
            daemon.kill();
        }
        String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"lmdb\",\"type\":\"netmgr\",\"daemonSocket\":\"\","
                + "\"stateDir\":\"" + daemon.stateDir + "\"}";
        var cni = Distribution.run(Path.of("/bin/sh"), Map.of("NETMGR_OPTS", "-Djava.io.tmpdir=" + tmp, "NETMGR_CDS_DIR", "",
                "NETMGR_HOST_NETNS", host.path().toString()), "-c", "echo '" + conf + "' | CNI_COMMAND=DEL CNI_CONTAINERID=nobody "
                + "CNI_IFNAME=eth0 " + Distribution.HOME.resolve("bin/netmgr-cni"));
        assertThat(cni.exit()).as(cni.out() + cni.err()).isZero();
        assertThat(Distribution.filesIn(tmp)).as("the temp directory after netmgrd was killed and a CNI DEL ran").isEmpty();
    }

    @Test
    void printsABashCompletionScriptThatBashLoads() throws Exception {
        var r = Distribution.run(Path.of("/bin/bash"), Map.of(), "-c", "source <(" + NETMGR + " completion bash) && complete -p netmgr");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("-F _complete_netmgr").endsWith(" netmgr\n");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
