package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** netmgrd replaces only a stale socket at its --socket path, and never deletes anything else there. */
class SocketPathTest {
    @TempDir
    Path dir;

    @Test
    void aRegularFileADirectoryOrASymlinkAreRefusedAndKept() throws Exception {
        Path file = Files.writeString(dir.resolve("important.conf"), "keep me");
        assertThatThrownBy(() -> DaemonServer.prepareSocketPath(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--socket " + file + " exists and is not a socket (a regular file): netmgrd only replaces a socket "
                        + "a stopped daemon left; give --socket another path");
        assertThat(Files.readString(file)).isEqualTo("keep me");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> DaemonServer.prepareSocketPath(sub)).hasMessageContaining("(a directory)");
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertThatThrownBy(() -> DaemonServer.prepareSocketPath(link)).hasMessageContaining("(a symbolic link)");
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aStaleSocketIsReplacedALiveOneRefused() throws Exception {
        Path socket = dir.resolve("netmgr.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(() -> DaemonServer.prepareSocketPath(socket)).hasMessageContaining("another netmgrd is listening");
        }
        assertThat(socket).exists(); // closed without unlinking, as a killed daemon leaves it
        DaemonServer.prepareSocketPath(socket);
        assertThat(socket).doesNotExist();
    }
}
