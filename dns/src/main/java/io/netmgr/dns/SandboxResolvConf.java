package io.netmgr.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The resolv.conf of sandboxes netmgr makes, in {@code /etc/netns/NAME/resolv.conf} (NAME their
 * namespace under /run/netns): {@code ip netns exec NAME} and {@code netmgr sandbox exec} bind it
 * over /etc/resolv.conf, so programs in the sandbox ask the resolver on 127.0.0.11. Written with
 * a first line that marks it as netmgr's, so only netmgr's files are ever removed.
 */
final class SandboxResolvConf {
    static final String MARK = "# netmgr: the resolver for this sandbox's networks; removed with the sandbox";

    private final Path etcNetns;
    private final Path runDir;
    private final byte[] content;

    SandboxResolvConf(Path etcNetns, Path runDir, String nameserver, List<String> search) {
        this.etcNetns = etcNetns;
        this.runDir = runDir;
        StringBuilder text = new StringBuilder(MARK).append('\n').append("nameserver ").append(nameserver).append('\n');
        if (!search.isEmpty()) {
            text.append("search ").append(String.join(" ", search)).append('\n');
        }
        // every name is tried as given first, so "db" asks for "db" before "db.example.com" (Docker does the same)
        text.append("options ndots:0\n");
        this.content = text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The file for {@code s}, when it is a sandbox netmgr made under the run directory. */
    Optional<Path> fileOf(ServedSandbox s) {
        Path ns = s.namespacePath();
        if (!s.owned() || ns.getParent() == null || !ns.getParent().equals(runDir)) {
            return Optional.empty();
        }
        return Optional.of(etcNetns.resolve(ns.getFileName().toString()).resolve("resolv.conf"));
    }

    void write(ServedSandbox s) {
        fileOf(s).ifPresent(file -> {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(".resolv.conf.netmgr");
                Files.write(tmp, content);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        });
    }

    void remove(ServedSandbox s) {
        fileOf(s).ifPresent(SandboxResolvConf::removeOurs);
    }

    /**
     * Removes netmgr's files whose namespace is gone from the run directory: left by a netmgrd
     * killed between a sandbox's removal and its own cleanup. Files of sandboxes that still exist
     * are left alone (another netmgrd may serve them).
     */
    void removeOrphans() {
        if (!Files.isDirectory(etcNetns)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(etcNetns)) {
            for (Path dir : dirs) {
                if (!Files.exists(runDir.resolve(dir.getFileName().toString()))) {
                    removeOurs(dir.resolve("resolv.conf"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + etcNetns + ": " + e.getMessage(), e);
        }
    }

    private static void removeOurs(Path file) {
        try {
            if (Files.isRegularFile(file) && Files.readAllLines(file).stream().findFirst().filter(MARK::equals).isPresent()) {
                Files.delete(file);
                try (DirectoryStream<Path> rest = Files.newDirectoryStream(file.getParent())) {
                    if (!rest.iterator().hasNext()) {
                        Files.delete(file.getParent());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }
}
