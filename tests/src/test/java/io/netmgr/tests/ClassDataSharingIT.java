package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
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
    private static final FileTime YESTERDAY = FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1));

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

            Output writing = startAndStop(dir.resolve("first-" + jdk.getKey()), env, daemon -> { });
            List<Path> archives = archivesIn(cds);
            softly.assertThat(archives).as(name + ": archives after the first run").hasSize(1);
            Optional<FileTime> written = archives.size() == 1 ? Optional.of(Files.getLastModifiedTime(archives.get(0))) : Optional.empty();

            Output using = startAndStop(dir.resolve("second-" + jdk.getKey()), env, daemon -> { });
            softly.assertThat(archivesIn(cds)).as(name + ": the second run used the archive, wrote no other").isEqualTo(archives);
            if (written.isPresent()) {
                softly.assertThat(Files.getLastModifiedTime(archives.get(0))).as(name + ": archive not rewritten").isEqualTo(written.get());
            }
            for (Output output : List.of(writing, using)) {
                softly.assertThat(output.stderr()).as(name + ": netmgrd's output").doesNotContain("[error]").doesNotContain("[warning]");
                softly.assertThat(output.stdout()).as(name + ": netmgrd's stdout").isEmpty();
            }
        }
        softly.assertAll();
    }

    /**
     * JDK 25's AOT cache is assembled at netmgrd's exit by a child JVM that inherits netmgrd's
     * flags: its 64 MiB heap cap and exit on OutOfMemoryError killed it once (no cache), and its
     * progress lines went to netmgrd's stdout. After CNI work through the daemon, with the
     * launcher's real flags: the cache is written, nothing ran out of heap, stdout stays empty.
     */
    @Test
    void theAotCacheIsWrittenAfterCniWorkWithinItsOwnHeapAndNothingOnStdout() throws Exception {
        Optional<Path> java = installedJdks().entrySet().stream().filter(e -> e.getKey() >= 25).map(Map.Entry::getValue).findFirst();
        assumeTrue(java.isPresent(), "no JDK 25 or newer in " + JVMS + ": no AOT cache to write");
        Path cds = dir.resolve("cds-aot");
        Map<String, String> env = Map.of("NETMGR_JAVA", java.get().toString(), "NETMGR_CDS_DIR", cds.toString());

        Output output = startAndStop(dir.resolve("aot"), env, this::addAndDelContainers);

        assertThat(archivesIn(cds)).as("the AOT cache, and no configuration left behind").singleElement()
                .satisfies(cache -> assertThat(cache.getFileName().toString()).endsWith(".aot"))
                .satisfies(cache -> assertThat(Files.size(cache)).isPositive());
        assertThat(output.stderr()).doesNotContain("java.lang.OutOfMemoryError").contains("Reading AOTConfiguration");
        assertThat(output.stdout()).as("netmgrd's stdout").isEmpty();
    }

    /**
     * Archives are named per install and build and a JVM never removes one: a machine that rebuilt
     * all day kept every build's (1.1 GB here). Writing a new archive removes the program's
     * archives of other builds of the same install, and nothing else: not another program's, not
     * one changed in the last 10 minutes (another process may be writing it), not a file that is
     * no archive.
     */
    @Test
    void writingAnArchiveRemovesTheProgramsArchivesOfOtherBuilds() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("cds-builds"));
        String install = installName("netmgrd", Distribution.HOME);
        List<Path> stale = List.of(cds.resolve(install + "-jdk25-1111111111.aot"), cds.resolve(install + "-jdk17-2222222222.jsa"));
        List<Path> kept = List.of(cds.resolve(installName("netmgr", Distribution.HOME) + "-jdk25-3333333333.aot"),
                cds.resolve("netmgrd-notes.txt"));
        for (Path file : stale) {
            Files.setLastModifiedTime(Files.write(file, new byte[] {1}), YESTERDAY);
        }
        for (Path file : kept) {
            Files.setLastModifiedTime(Files.write(file, new byte[] {1}), YESTERDAY);
        }
        Path beingWritten = Files.write(cds.resolve(install + "-jdk25-4444444444.aot"), new byte[] {1});

        startAndStop(dir.resolve("builds"), Map.of("NETMGR_CDS_DIR", cds.toString()), daemon -> { });

        List<Path> after = archivesIn(cds);
        assertThat(after).as("the archives of other builds are gone").doesNotContainAnyElementsOf(stale)
                .as("another program's archive, a file being written, a file that is no archive stay")
                .containsAll(kept).contains(beingWritten);
        assertThat(after).as("and this build's new archive is there").hasSize(kept.size() + 2)
                .anySatisfy(file -> assertThat(file.getFileName().toString()).startsWith(install + "-jdk")
                        .isNotEqualTo(beingWritten.getFileName().toString()));
    }

    /**
     * Two installs side by side (two prefixes, a test build beside /usr/local) share the archive
     * directory: neither removes the other's archive, each removes its own of another build, and
     * the archives of an install whose directory is gone are removed by the next to write one.
     * Install "other" is a copy of bin/ beside the distribution's lib/ (a link), as a second
     * prefix would hold it.
     */
    @Test
    void installsSideBySideRemoveOnlyTheirOwnArchives() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("cds-installs"));
        Path other = Files.createDirectories(dir.resolve("other-install/bin"));
        for (String launcher : List.of("netmgrd", "netmgr-java")) {
            Files.copy(Distribution.HOME.resolve("bin").resolve(launcher), other.resolve(launcher), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createSymbolicLink(other.resolveSibling("lib"), Distribution.HOME.resolve("lib"));
        Path otherHome = other.getParent();
        Map<String, String> env = Map.of("NETMGR_CDS_DIR", cds.toString());

        startAndStop(dir.resolve("a1"), Distribution.HOME, env);
        Path first = singleArchiveOf(cds, installName("netmgrd", Distribution.HOME));
        ageAll(cds); // older than the 10 minutes that protect an archive being written

        startAndStop(dir.resolve("b1"), otherHome, env);
        Path others = singleArchiveOf(cds, installName("netmgrd", otherHome));
        assertThat(archivesIn(cds)).as("the other install wrote its own archive and left the first's").contains(first, others);

        // a third install, gone since: its name record points at a directory that no longer exists
        String gone = installName("netmgrd", dir.resolve("removed-install"));
        Path goneArchive = Files.write(cds.resolve(gone + "-jdk25-5555555555.aot"), new byte[] {1});
        Files.writeString(cds.resolve(gone + ".home"), dir.resolve("removed-install") + "\n");
        ageAll(cds);
        // a new build of the first install (other JVM flags): its archive replaces its own old one only
        startAndStop(dir.resolve("a2"), Distribution.HOME, Map.of("NETMGR_CDS_DIR", cds.toString(), "NETMGR_OPTS", "-Dnetmgr.test.build=2"));

        List<Path> after = Distribution.filesIn(cds);
        assertThat(after).as("the first install's archive of its former build is gone").doesNotContain(first)
                .as("the other install's archive stays").contains(others)
                .as("the removed install's archive and name record are gone").doesNotContain(goneArchive, cds.resolve(gone + ".home"));
        assertThat(singleArchiveOf(cds, installName("netmgrd", Distribution.HOME))).as("the new build's").isNotEqualTo(first);
    }

    private static void ageAll(Path cds) throws IOException {
        for (Path file : Distribution.filesIn(cds)) {
            Files.setLastModifiedTime(file, YESTERDAY);
        }
    }

    /** The files of {@code cds} but the installs' name records ({@code PROGRAM-hINSTALL.home}). */
    private static List<Path> archivesIn(Path cds) throws IOException {
        return Distribution.filesIn(cds).stream().filter(f -> !f.getFileName().toString().endsWith(".home")).toList();
    }

    private static Path singleArchiveOf(Path cds, String install) throws IOException {
        List<Path> archives = archivesIn(cds).stream().filter(f -> f.getFileName().toString().startsWith(install + "-jdk")).toList();
        assertThat(archives).as("archives of " + install + " in " + archivesIn(cds)).hasSize(1);
        return archives.get(0);
    }

    /** How the launcher names program {@code program} of the install at {@code home}: PROGRAM-h(POSIX cksum of the path). */
    private static String installName(String program, Path home) throws IOException, InterruptedException {
        Distribution.Result sum = Distribution.run(Path.of("/bin/sh"), Map.of(), "-c", "printf '%s\\n' \"$1\" | cksum", "sh",
                (Files.exists(home) ? home.toRealPath() : home).toString()); // the launcher names its real path
        assertThat(sum.exit()).as(sum.err()).isZero();
        return program + "-h" + sum.out().trim().split(" ")[0];
    }

    /** Two containers added and deleted through netmgrd's CNI fast path, a listing on the CLI: the classes of a working day. */
    private void addAndDelContainers(DaemonProcess daemon) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("cni-bin"));
        Files.createSymbolicLink(plugins.resolve("netmgr"), Distribution.HOME.resolve("bin/netmgr-cni"));
        CniRuntime runtime = new CniRuntime(plugins, Map.of("NETMGR_STATE_DIR", daemon.stateDir.toString()));
        Map<String, Object> conf = Map.of("cniVersion", "1.1.0", "name", "aotcache", "type", "netmgr", "bridge", "aotbr0",
                "daemonSocket", daemon.socket.toString(),
                "ipam", Map.of("type", "host-local", "ranges", List.of(List.of(Map.of("subnet", "10.217.0.0/24")))));
        for (String id : List.of("aot-c1", "aot-c2")) {
            NetNs container = netns.create("aotc");
            CniRuntime.Outcome add = runtime.exec("netmgr", "ADD", id, container.path().toString(), "eth0", conf).assertOk();
            assertThat(add.err()).doesNotContain("running in-process");
        }
        assertThat(NetmgrdIT.cli(daemon, "network", "ls", "--format", "{{.Name}}").out()).contains("aotcache");
        for (String id : List.of("aot-c1", "aot-c2")) {
            runtime.exec("netmgr", "DEL", id, null, "eth0", conf).assertOk();
        }
    }

    /** What netmgrd wrote on stderr (its log, the JVM's messages) and on stdout. */
    private record Output(String stderr, String stdout) {
    }

    /** Work done with a running netmgrd. */
    private interface Work {
        void on(DaemonProcess daemon) throws Exception;
    }

    /** netmgrd started through its launcher in a fresh namespace playing the host, given {@code work}, stopped with SIGTERM; its output. */
    private Output startAndStop(Path runDir, Map<String, String> env, Work work) throws Exception {
        return startAndStop(runDir, Distribution.HOME, env, work);
    }

    /** The same, with nothing to do, of the install at {@code home}. */
    private Output startAndStop(Path runDir, Path home, Map<String, String> env) throws Exception {
        return startAndStop(runDir, home, env, daemon -> { });
    }

    private Output startAndStop(Path runDir, Path home, Map<String, String> env, Work work) throws Exception {
        Files.createDirectories(runDir);
        NetNs host = netns.create("cds");
        DaemonProcess daemon = new DaemonProcess(runDir, NetmgrdIT.name(host), env).installedAt(home);
        try (daemon) {
            daemon.start();
            awaitInLog(daemon.log, "listening on"); // a run stopped half-way through its start would archive less
            work.on(daemon);
            assertThat(daemon.stop()).as("netmgrd's exit on SIGTERM").isEqualTo(143);
        }
        return new Output(Files.readString(daemon.log), Files.readString(daemon.stdout));
    }

    /** The socket accepts before netmgrd has logged that it is ready. */
    private static void awaitInLog(Path log, String line) throws Exception {
        Eventually.waitUntil("netmgrd logs '" + line + "'", Duration.ofSeconds(30), () -> Files.readString(log).contains(line));
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
}
