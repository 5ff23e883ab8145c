package io.netmgr.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether the namespaces of the sandboxes netmgrd makes (bind mounts under /run/netns) will be
 * seen by the host. A daemon started by {@code ip netns exec}, or in any mount namespace that is
 * a slave of the host's, mounts them where only it can see them: {@code netmgr sandbox exec}
 * from the host then fails, and after a restart outside that namespace every join into them does.
 * iproute2 keeps /run/netns a shared mount for this; a slave copy of it propagates nothing back.
 * Found from /proc/self/mountinfo before anything is made, so netmgrd refuses at start.
 */
final class SandboxMounts {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private SandboxMounts() {
    }

    /** Refuses to start when mounts under {@code runDir} would not reach the host's mount namespace. */
    static void checkVisibleToHost(Path runDir) {
        try {
            hiddenFromHost(Files.readAllLines(MOUNTINFO), runDir.toAbsolutePath().normalize()).ifPresent(mount -> {
                throw new IllegalStateException("netmgrd runs in a mount namespace of its own (started by 'ip netns exec', "
                        + "or a service with private mounts): the namespaces of the sandboxes it makes under " + runDir
                        + " would be invisible to the host (" + mount + " receives mounts from the host's but sends "
                        + "none back); start it in the host's mount namespace, e.g. not under 'ip netns exec'");
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MOUNTINFO + " to check where sandbox namespaces are mounted", e);
        }
    }

    /**
     * The mount point holding {@code dir}, when it is a slave (mountinfo's "master:N" tag): mounts
     * made under it stay in this mount namespace and its peers.
     */
    static Optional<String> hiddenFromHost(List<String> mountinfo, Path dir) {
        String best = null;
        boolean slave = false;
        for (String line : mountinfo) {
            // ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL-TAGS...] - FSTYPE SOURCE SUPER-OPTIONS
            String[] f = line.split(" ");
            if (f.length < 7) {
                continue;
            }
            String point = f[4].replace("\\040", " ");
            if (dir.startsWith(Path.of(point)) && (best == null || point.length() >= best.length())) {
                best = point; // the later of two equal mount points is on top
                slave = false;
                for (int i = 6; i < f.length && !f[i].equals("-"); i++) {
                    slave |= f[i].startsWith("master:");
                }
            }
        }
        return slave ? Optional.of(best) : Optional.empty();
    }
}
