package io.netmgr.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose files turn immutable under a running process (chattr +i): the process keeps
 * reading, is refused changes with the reason, and changes again once they are writable; it is
 * never killed by SIGBUS in LMDB's lock table. Runs the store in a child JVM, so a crash shows as
 * its exit, not this one's; needs root for chattr.
 */
class LmdbStoreFrozenTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anImmutableStoreServesReadsAndRefusesChangesWithoutCrashing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root: chattr +i");
        Path state = dir.resolve("state");
        List<String> files = List.of(state.resolve(LmdbStore.FILE_NAME).toString(), state.resolve(LmdbStore.FILE_NAME + "-lock").toString());
        try (ChildJvm child = ChildJvm.start(dir, "frozen", state.toString())) {
            assertThat(child.nextLine(WAIT)).isEqualTo("READY");
            chattr("+i", files);
            try {
                child.send("FROZEN");
                assertThat(child.nextLine(WAIT)).as(child.stderr()).isEqualTo("read 1");
                assertThat(child.nextLine(WAIT)).isEqualTo("unwritable true");
                assertThat(child.nextLine(WAIT)).startsWith("refused the store " + files.get(0) + " is read-only")
                        .contains("lsattr");
            } finally {
                chattr("-i", files);
            }
            child.send("THAWED");
            assertThat(child.nextLine(WAIT)).as(child.stderr()).isEqualTo("written 3");
            assertThat(child.awaitExit(WAIT)).as(child.stderr()).isZero();
        }
    }

    private static void chattr(String flag, List<String> files) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("chattr", flag));
        command.addAll(files);
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }
}
