package io.netmgr.netlink.ns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How netmgr runs a program in a sandbox ({@code netmgr sandbox exec}, netmgrd's service tasks): in its network namespace
 * (nsenter), and, as {@code ip netns exec NAME} does, with each file of /etc/netns/NAME bound
 * over its namesake in /etc, in a mount namespace of the program's own (so nothing shows on the
 * host). netmgr writes /etc/netns/NAME/resolv.conf for the sandboxes it makes on user-defined
 * networks: through it, programs ask the containers' resolver.
 */
public final class NamespaceEntry {
    public static final Path ETC = Path.of("/etc");

    // binds "$2 $3", "$4 $5"... then becomes nsenter; 125 (as env(1) does) when a bind fails
    private static final String BIND_THEN_ENTER = "ns=$1; n=$2; shift 2; "
            + "while [ \"$n\" -gt 0 ]; do mount --bind \"$1\" \"$2\" || exit 125; shift 2; n=$((n-1)); done; "
            + "exec nsenter --net=\"$ns\" -- \"$@\"";

    private NamespaceEntry() {
    }

    /** The command that runs {@code program} in the sandbox whose namespace is {@code namespace}. */
    public static List<String> command(Path namespace, List<String> program) {
        return command(namespace, program, NetNs.ETC_DIR, ETC);
    }

    /** As above, with the directories given (tests). */
    public static List<String> command(Path namespace, List<String> program, Path etcNetns, Path etc) {
        List<Path> files = ownFiles(namespace, etcNetns, etc);
        List<String> argv = new ArrayList<>();
        if (files.isEmpty()) {
            argv.addAll(List.of("nsenter", "--net=" + namespace, "--"));
        } else {
            argv.addAll(List.of("unshare", "--mount", "--propagation", "slave", "--", "sh", "-c", BIND_THEN_ENTER, "netmgr-exec",
                    namespace.toString(), Integer.toString(files.size())));
            for (Path f : files) {
                argv.add(f.toString());
                argv.add(etc.resolve(f.getFileName().toString()).toString());
            }
        }
        argv.addAll(program);
        return argv;
    }

    /** The files of {@code etcNetns/NAME} with a namesake in {@code etc}, for a namespace named under /run/netns. */
    private static List<Path> ownFiles(Path namespace, Path etcNetns, Path etc) {
        if (namespace.getParent() == null || !namespace.getParent().equals(NetNs.DEFAULT_RUN_DIR)) {
            return List.of();
        }
        Path dir = etcNetns.resolve(namespace.getFileName().toString());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(f -> Files.exists(etc.resolve(f.getFileName().toString()))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
