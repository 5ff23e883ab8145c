package io.netmgr.nat;

import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sockets processes of the host have bound, read from {@code /proc/thread-self/net/*} on the
 * namespace's thread (plain {@code /proc/net} would show the namespace of the process's main
 * thread instead). A published port takes precedence over such a socket (DNAT comes first), so
 * publishing on a port a process already serves would silently steal its traffic: refused.
 */
public final class HostSockets {

    /** A bound socket: a TCP listener or a bound UDP socket, and its inode to find its process. */
    public record Bound(Protocol protocol, IpAddress address, int port, long inode) {
        boolean isWildcard() {
            return address.isUnspecified();
        }

        @Override
        public String toString() {
            return address.uriHost() + ":" + port + "/" + protocol;
        }
    }

    private HostSockets() {
    }

    /** Refuses {@code added} mappings whose host port a process of {@code ns} has bound, naming it. */
    public static void checkFree(NetNs ns, List<PortMapping> added) {
        if (added.isEmpty()) {
            return;
        }
        // Trying to bind each port costs microseconds; reading /proc/net/* walks the kernel's
        // socket tables of every namespace, milliseconds: only a failed bind pays for it.
        List<PortMapping> taken = ns.call(() -> added.stream().filter(HostSockets::bindFails).toList());
        if (taken.isEmpty()) {
            return;
        }
        List<Bound> bound = ns.call(HostSockets::read);
        for (PortMapping m : taken) {
            for (Bound b : bound) {
                if (clashes(m, b)) {
                    throw new FirewallException(FirewallException.Reason.PORT_ALREADY_PUBLISHED, "cannot publish " + m
                            + " for " + m.owner() + ": host port " + m.protocol() + "/" + b.port() + " is bound by "
                            + owner(b.inode()) + " on " + b + "; stop it, or choose another host port or host address");
                }
            }
        }
        PortMapping m = taken.get(0);
        throw new FirewallException(FirewallException.Reason.PORT_ALREADY_PUBLISHED, "cannot publish " + m + " for "
                + m.owner() + ": a host port of " + m.protocol() + "/" + m.hostPorts() + " is in use on this host;"
                + " choose another host port or host address");
    }

    /**
     * True when some port of {@code m} cannot be bound here. TCP binds with SO_REUSEADDR, so
     * that only a listener (not a connection in TIME_WAIT) counts; UDP without it, so that any
     * bound socket counts. Runs on the namespace's thread.
     */
    private static boolean bindFails(PortMapping m) {
        InetAddress address = m.hostIp().map(IpAddress::toInetAddress).orElseGet(() -> wildcard(m.family()));
        for (int port = m.hostPorts().first(); port <= m.hostPorts().last(); port++) {
            try {
                if (m.protocol() == Protocol.TCP) {
                    try (ServerSocket s = new ServerSocket()) {
                        s.setReuseAddress(true);
                        s.bind(new InetSocketAddress(address, port), 1);
                    }
                } else {
                    try (DatagramSocket s = new DatagramSocket(null)) {
                        s.setReuseAddress(false);
                        s.bind(new InetSocketAddress(address, port));
                    }
                }
            } catch (BindException e) {
                // EADDRINUSE only: an address this host does not have (EADDRNOTAVAIL) is the host
                // address check's business, and that check has its own source of addresses
                if (String.valueOf(e.getMessage()).contains("in use")) {
                    return true;
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("probe host port " + port + "/" + m.protocol(), e);
            }
        }
        return false;
    }

    private static InetAddress wildcard(IpFamily family) {
        return IpAddress.parse(family == IpFamily.V4 ? "0.0.0.0" : "::").toInetAddress();
    }

    /** True when traffic for {@code m} would reach {@code b}'s port without the mapping. */
    static boolean clashes(PortMapping m, Bound b) {
        if (m.protocol() != b.protocol() || b.port() < m.hostPorts().first() || b.port() > m.hostPorts().last()) {
            return false;
        }
        // a socket on [::] usually takes IPv4 too (dual-stack); one on 0.0.0.0 only IPv4
        boolean familyMatches = b.address().family() == m.family() || (b.isWildcard() && b.address().family() == IpFamily.V6);
        if (!familyMatches) {
            return false;
        }
        Optional<IpAddress> host = m.hostIp();
        return host.isEmpty() || b.isWildcard() || host.get().equals(b.address());
    }

    private static List<Bound> read() throws IOException {
        List<Bound> out = new ArrayList<>();
        Path net = Path.of("/proc/thread-self/net");
        out.addAll(parse(Files.readString(net.resolve("tcp")), Protocol.TCP));
        out.addAll(parse(Files.readString(net.resolve("udp")), Protocol.UDP));
        if (Files.exists(net.resolve("tcp6"))) {
            out.addAll(parse(Files.readString(net.resolve("tcp6")), Protocol.TCP));
            out.addAll(parse(Files.readString(net.resolve("udp6")), Protocol.UDP));
        }
        return out;
    }

    /**
     * Parses a {@code /proc/net/tcp[6]} or {@code udp[6]} table: TCP sockets in LISTEN (0A),
     * and every UDP socket (each bound one can receive).
     */
    static List<Bound> parse(String table, Protocol protocol) {
        List<Bound> out = new ArrayList<>();
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            if (protocol == Protocol.TCP && !f[3].equals("0A")) {
                continue;
            }
            int colon = f[1].indexOf(':');
            out.add(new Bound(protocol, address(f[1].substring(0, colon)), Integer.parseInt(f[1].substring(colon + 1), 16),
                    Long.parseLong(f[9])));
        }
        return out;
    }

    /** The kernel prints addresses as 32-bit words in host (little-endian) byte order. */
    private static IpAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return IpAddress.of(bytes);
    }

    /** "process 1234 (nginx)" for the socket with {@code inode}, or "a process" when none is found. */
    static String owner(long inode) {
        String link = "socket:[" + inode + "]";
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (link.equals(Files.readSymbolicLink(fd).toString())) {
                            String comm = Files.readString(proc.resolve("comm")).trim();
                            return "process " + proc.getFileName() + " (" + comm + ")";
                        }
                    }
                } catch (IOException e) {
                    // the process ended or hides its descriptors: look further
                }
            }
        } catch (IOException e) {
            // fall through: the port is taken all the same
        }
        return "a process";
    }
}
