package io.netmgr.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where netmgrd listens and keeps its state. Read from {@code /etc/netmgr/netmgrd.json} when
 * it exists ({@code {"socket": ..., "stateDir": ..., "dockerPlugin": ...}}); command-line flags win
 * over the file. {@code dockerPlugin} is the socket of Docker's plugin protocol, absent when not served.
 */
public record DaemonConfig(Path socket, Path stateDir, Optional<Path> dockerPlugin) {
    public static final Path DEFAULT_FILE = Path.of("/etc/netmgr/netmgrd.json");
    public static final Path DEFAULT_SOCKET = Path.of("/run/netmgr/netmgr.sock");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/netmgr");

    /** The file's fields; absent ones stay null. Unknown fields are refused, so a typo is noticed. */
    record FileConfig(String socket, String stateDir, String dockerPlugin) {
    }

    /**
     * The configuration from {@code file} (absent is fine when it is the default path) overridden
     * by the flags given.
     */
    public static DaemonConfig load(Path file, boolean fileGivenByUser, Optional<Path> socket, Optional<Path> stateDir) {
        return load(file, fileGivenByUser, socket, stateDir, Optional.empty());
    }

    /** As above, with the flag {@code --docker-plugin}'s socket, if given. */
    public static DaemonConfig load(Path file, boolean fileGivenByUser, Optional<Path> socket, Optional<Path> stateDir,
                                    Optional<Path> dockerPlugin) {
        FileConfig fromFile = new FileConfig(null, null, null);
        try {
            String text = Files.readString(file); // first: without a file, netmgrd starts without building a JSON mapper
            fromFile = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(text, FileConfig.class);
        } catch (NoSuchFileException e) {
            if (fileGivenByUser) {
                throw new IllegalArgumentException("config file " + file + " does not exist");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        FileConfig f = fromFile;
        return new DaemonConfig(
                socket.orElse(Optional.ofNullable(f.socket()).map(Path::of).orElse(DEFAULT_SOCKET)),
                stateDir.orElse(Optional.ofNullable(f.stateDir()).map(Path::of).orElse(DEFAULT_STATE_DIR)),
                dockerPlugin.or(() -> Optional.ofNullable(f.dockerPlugin()).filter(p -> !p.isBlank()).map(Path::of)));
    }
}
