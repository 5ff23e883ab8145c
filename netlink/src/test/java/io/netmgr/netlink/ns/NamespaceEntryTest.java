package io.netmgr.netlink.ns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceEntryTest {
    @TempDir
    Path dir;

    @Test
    void aSandboxWithoutOwnFilesIsEnteredWithNsenterAlone() {
        assertThat(NamespaceEntry.command(Path.of("/run/netns/nm-1"), List.of("getent", "hosts", "db"), dir, dir))
                .containsExactly("nsenter", "--net=/run/netns/nm-1", "--", "getent", "hosts", "db");
        assertThat(NamespaceEntry.command(Path.of("/proc/42/ns/net"), List.of("true"), dir, dir))
                .containsExactly("nsenter", "--net=/proc/42/ns/net", "--", "true");
    }

    @Test
    void itsOwnFilesAreBoundOverTheirNamesakesInAMountNamespaceOfItsOwn() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 192.0.2.1\n");
        Path own = Files.createDirectories(dir.resolve("etc-netns/nm-1"));
        Files.writeString(own.resolve("resolv.conf"), "nameserver 127.0.0.11\n");
        Files.writeString(own.resolve("no-namesake"), "skipped, as ip netns exec cannot bind it either\n");

        List<String> argv = NamespaceEntry.command(Path.of("/run/netns/nm-1"), List.of("getent", "hosts", "db"), dir.resolve("etc-netns"), etc);
        assertThat(argv.subList(0, 7)).containsExactly("unshare", "--mount", "--propagation", "slave", "--", "sh", "-c");
        assertThat(argv.subList(8, argv.size())).containsExactly("netmgr-exec", "/run/netns/nm-1", "1",
                own.resolve("resolv.conf").toString(), etc.resolve("resolv.conf").toString(), "getent", "hosts", "db");
    }
}
