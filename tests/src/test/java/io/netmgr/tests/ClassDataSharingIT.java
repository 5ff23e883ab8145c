package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * netmgrd's class data sharing (bin/netmgr-java): on every JDK 17+ installed, a first start
 * writes the archive when it stops, the next start uses it, and neither prints a JVM
 * {@code [error]} or {@code [warning]} line (JDK 25 printed three [error][cds] lines on every start).
 */
class ClassDataSharingIT {
    private static final Path JVMS = Path.of("/usr/lib/jvm");

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @TempDir
    Path dir;

    @Test
    void netmgrdWritesItsArchiveOnceThenUsesItWithoutJvmErrorsOrWarnings() throws Exception {
        Map<Integer, Path> jdks = installedJdks();
        assertThat(jdks).as("JDKs 17+ in " + JVMS).isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        for (var jdk : jdks.entrySet()) {
            String name = "JDK " + jdk.getKey();
            Path cds = dir.resolve("cds-" + jdk.getKey());
            Map<String, String> env = Map.of("NETMGR_JAVA", jdk.getValue().toString(), "NETMGR_CDS_DIR", cds.toString());

            String writing = startAndStop(dir.resolve("first-" + jdk.getKey()), env);
            List<Path> archives = filesIn(cds);
            softly.assertThat(archives).as(name + ": archives after the first run").hasSize(1);
            Optional<FileTime> written = archives.size() == 1 ? Optional.of(Files.getLastModifiedTime(archives.get(0))) : Optional.empty();

            String using = startAndStop(dir.resolve("second-" + jdk.getKey()), env);
            softly.assertThat(filesIn(cds)).as(name + ": the second run used the archive, wrote no other").isEqualTo(archives);
            if (written.isPresent()) {
                softly.assertThat(Files.getLastModifiedTime(archives.get(0))).as(name + ": archive not rewritten").isEqualTo(written.get());
            }
            for (String log : List.of(writing, using)) {
                softly.assertThat(log).as(name + ": netmgrd's output").doesNotContain("[error]").doesNotContain("[warning]");
            }
        }
        softly.assertAll();
    }

    /** netmgrd started through its launcher in a fresh namespace playing the host, stopped with SIGTERM; its output. */
    private String startAndStop(Path runDir, Map<String, String> env) throws Exception {
        Files.createDirectories(runDir);
        NetNs host = netns.create("cds");
        DaemonProcess daemon = new DaemonProcess(runDir, NetmgrdIT.name(host), env);
        try (daemon) {
            daemon.start();
            awaitInLog(daemon.log, "listening on"); // a run stopped half-way through its start would archive less
            assertThat(daemon.stop()).as("netmgrd's exit on SIGTERM").isEqualTo(143);
        }
        return Files.readString(daemon.log);
    }

    /** The socket accepts before netmgrd has logged that it is ready. */
    private static void awaitInLog(Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("netmgrd did not log '" + line + "' within 30 s:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** One java binary per JDK 17+ under /usr/lib/jvm (links to the same JDK counted once), by major version. */
    private static Map<Integer, Path> installedJdks() throws IOException {
        Map<Integer, Path> jdks = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(JVMS)) {
            for (Path home : dirs.toList()) {
                Path java = home.resolve("bin/java");
                Path release = home.resolve("release");
                if (Files.isExecutable(java) && Files.isReadable(release)) {
                    int major = majorVersion(release);
                    if (major >= 17) {
                        jdks.putIfAbsent(major, java.toRealPath());
                    }
                }
            }
        }
        return jdks;
    }

    private static int majorVersion(Path release) throws IOException {
        return Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION=\""))
                .map(l -> l.substring("JAVA_VERSION=\"".length()).split("[^0-9]")[0])
                .mapToInt(Integer::parseInt).findFirst().orElse(0);
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
