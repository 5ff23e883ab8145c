package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCommandTest {
    @TempDir Path dir;

    @Test
    void aProgramIsFoundOnTheSearchPathAsAShellWould() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path prog = Files.writeString(bin.resolve("serve"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(prog, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(new TaskCommand(List.of("serve", "-p", "80")).executable(dir.resolve("nowhere") + ":" + bin)).isEqualTo(prog);
        assertThat(new TaskCommand(List.of(prog.toString())).executable("")).isEqualTo(prog);
    }

    @Test
    void aProgramThatCannotStartIsRefusedSayingWhy() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> new TaskCommand(List.of("no-such-program")).executable(dir.toString()))
                .hasMessage("command: no-such-program not found in netmgrd's PATH (" + dir + "); install it or give its absolute path");
        assertThatThrownBy(() -> new TaskCommand(List.of(text.toString())).executable(""))
                .hasMessageStartingWith("command: " + text + " is not an executable file");
        assertThatThrownBy(() -> new TaskCommand(List.of(dir.resolve("gone").toString())).executable(""))
                .hasMessageStartingWith("command: " + dir.resolve("gone") + " does not exist");
        assertThatThrownBy(() -> new TaskCommand(List.of())).hasMessageStartingWith("command: empty");
    }
}
