package io.netmgr.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxResolvConfTest {
    @TempDir
    Path dir;

    private SandboxResolvConf files() {
        return new SandboxResolvConf(dir.resolve("etc-netns"), dir.resolve("run-netns"), "127.0.0.11", List.of("corp.example"));
    }

    private ServedSandbox sandbox(String ns, boolean owned) {
        return new ServedSandbox("id-" + ns, "name-" + ns, dir.resolve("run-netns").resolve(ns), owned);
    }

    @Test
    void writesTheFileIpNetnsExecBindsAndRemovesIt() throws Exception {
        ServedSandbox s = sandbox("nm-1", true);
        files().write(s);
        Path file = dir.resolve("etc-netns/nm-1/resolv.conf");
        assertThat(Files.readAllLines(file)).containsExactly(SandboxResolvConf.MARK, "nameserver 127.0.0.11",
                "search corp.example", "options ndots:0");

        files().remove(s);
        assertThat(file).doesNotExist();
        assertThat(file.getParent()).as("the directory it made").doesNotExist();
    }

    @Test
    void adoptedSandboxesAndOnesElsewhereGetNoFile() {
        assertThat(files().fileOf(sandbox("cni-1", false))).isEmpty();
        ServedSandbox elsewhere = new ServedSandbox("x", "x", Path.of("/proc/1/ns/net"), true);
        assertThat(files().fileOf(elsewhere)).isEmpty();
    }

    @Test
    void orphansAreRemovedOnlyWhenTheirNamespaceIsGoneAndTheFileIsOurs() throws Exception {
        Files.createDirectories(dir.resolve("run-netns"));
        Files.createFile(dir.resolve("run-netns/nm-alive"));
        files().write(sandbox("nm-alive", true));
        files().write(sandbox("nm-gone", true));
        Path users = dir.resolve("etc-netns/theirs/resolv.conf");
        Files.createDirectories(users.getParent());
        Files.writeString(users, "nameserver 192.0.2.1\n");

        files().removeOrphans();
        assertThat(dir.resolve("etc-netns/nm-alive/resolv.conf")).exists();
        assertThat(dir.resolve("etc-netns/nm-gone")).doesNotExist();
        assertThat(users).as("not netmgr's").exists();
    }
}
