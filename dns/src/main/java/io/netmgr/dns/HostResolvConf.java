package io.netmgr.dns;

import io.netmgr.netlink.addr.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a host's resolv.conf says the containers' resolver needs: the nameservers to forward to
 * (port 53) and the search domains to hand on to containers. Other lines are ignored.
 */
public record HostResolvConf(List<InetSocketAddress> nameservers, List<String> search) {
    /** The host's own, read by netmgrd at start. */
    public static final Path DEFAULT_FILE = Path.of("/etc/resolv.conf");

    public HostResolvConf {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
    }

    /** Reads {@code file}; a missing file means no upstream and no search domain, as for glibc. */
    public static HostResolvConf read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (NoSuchFileException e) {
            return new HostResolvConf(List.of(), List.of());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the host's resolvers from " + file + ": " + e.getMessage(), e);
        }
    }

    static HostResolvConf parse(List<String> lines) {
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        for (String raw : lines) {
            String[] words = raw.strip().split("\\s+");
            if (words.length < 2 || words[0].startsWith("#") || words[0].startsWith(";")) {
                continue;
            }
            switch (words[0]) {
                case "nameserver" -> literal(words[1]).ifPresent(a -> servers.add(new InetSocketAddress(a, 53)));
                case "search", "domain" -> { // the last of them wins, as in glibc
                    search.clear();
                    search.addAll(List.of(words).subList(1, words.length));
                }
                default -> { }
            }
        }
        return new HostResolvConf(servers, search);
    }

    /** An address literal; anything else (a scoped link-local address among them) is skipped, as glibc skips what it cannot use. */
    private static Optional<InetAddress> literal(String text) {
        try {
            return Optional.of(IpAddress.parse(text).toInetAddress());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
