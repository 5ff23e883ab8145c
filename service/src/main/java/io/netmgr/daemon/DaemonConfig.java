package io.netmgr.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where netmgrd listens and keeps its state, and the cluster it joins. Read from
 * {@code /etc/netmgr/netmgrd.json} when it exists ({@code {"socket": ..., "stateDir": ...,
 * "dockerPlugin": ..., "clusterStore": ..., "advertiseAddr": ..., "clusterCacert": ...,
 * "clusterCert": ..., "clusterKey": ..., "clusterLeaseTtl": ...}}); command-line flags win over
 * the file. {@code dockerPlugin} is the socket of Docker's plugin protocol, absent when not served.
 */
public record DaemonConfig(Path socket, Path stateDir, Optional<Path> dockerPlugin, Optional<ClusterConfig> cluster) {
    public static final Path DEFAULT_FILE = Path.of("/etc/netmgr/netmgrd.json");
    public static final Path DEFAULT_SOCKET = Path.of("/run/netmgr/netmgr.sock");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/netmgr");

    /** A host on its own: in no cluster. */
    public DaemonConfig(Path socket, Path stateDir, Optional<Path> dockerPlugin) {
        this(socket, stateDir, dockerPlugin, Optional.empty());
    }

    /** The file's fields; absent ones stay null. Unknown fields are refused, so a typo is noticed. */
    record FileConfig(String socket, String stateDir, String dockerPlugin, String clusterStore, String advertiseAddr,
                      String clusterCacert, String clusterCert, String clusterKey, String clusterLeaseTtl) {
        ClusterConfig.Given cluster() {
            return new ClusterConfig.Given(Optional.ofNullable(clusterStore), Optional.ofNullable(advertiseAddr),
                    Optional.ofNullable(clusterCacert).map(Path::of), Optional.ofNullable(clusterCert).map(Path::of),
                    Optional.ofNullable(clusterKey).map(Path::of), Optional.ofNullable(clusterLeaseTtl));
        }
    }

    /**
     * The configuration from {@code file} (absent is fine when it is the default path) overridden
     * by the flags given.
     */
    public static DaemonConfig load(Path file, boolean fileGivenByUser, Optional<Path> socket, Optional<Path> stateDir) {
        return load(file, fileGivenByUser, socket, stateDir, Optional.empty(), ClusterConfig.Given.NONE);
    }

    /** As above, with the flag {@code --docker-plugin}'s socket, if given. */
    public static DaemonConfig load(Path file, boolean fileGivenByUser, Optional<Path> socket, Optional<Path> stateDir,
                                    Optional<Path> dockerPlugin) {
        return load(file, fileGivenByUser, socket, stateDir, dockerPlugin, ClusterConfig.Given.NONE);
    }

    /** As above, with the cluster flags given. */
    static DaemonConfig load(Path file, boolean fileGivenByUser, Optional<Path> socket, Optional<Path> stateDir,
                             ClusterConfig.Given clusterFlags) {
        return load(file, fileGivenByUser, socket, stateDir, Optional.empty(), clusterFlags);
    }

    /** As above, with the flag {@code --docker-plugin}'s socket and the cluster flags given. */
    static DaemonConfig load(Path file, boolean fileGivenByUser, Optional<Path> socket, Optional<Path> stateDir,
                             Optional<Path> dockerPlugin, ClusterConfig.Given clusterFlags) {
        FileConfig fromFile = new FileConfig(null, null, null, null, null, null, null, null, null);
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
                dockerPlugin.or(() -> Optional.ofNullable(f.dockerPlugin()).filter(p -> !p.isBlank()).map(Path::of)),
                ClusterConfig.of(clusterFlags.over(f.cluster())));
    }
}
