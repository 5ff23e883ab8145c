package io.netmgr.dns;

import io.netmgr.core.network.NameResolution;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the containers' resolver runs.
 *
 * @param listenAt        where it answers inside each sandbox (Docker's 127.0.0.11:53)
 * @param upstreams       the resolvers asked for names the networks do not know, in order
 * @param search          search domains handed on to sandboxes' resolv.conf
 * @param upstreamTimeout how long one upstream may take before the next is asked
 * @param etcNetns        where {@code ip netns exec} finds a namespace's own files (/etc/netns)
 * @param sandboxRunDir   where sandboxes netmgr makes have their namespaces (/run/netns)
 */
public record DnsConfig(InetSocketAddress listenAt, List<InetSocketAddress> upstreams, List<String> search,
                        Duration upstreamTimeout, Path etcNetns, Path sandboxRunDir) {
    /** Docker's address for the embedded resolver: on every sandbox's loopback, so no route is needed. */
    public static final InetSocketAddress DOCKER_ADDRESS = new InetSocketAddress(NameResolution.RESOLVER_ADDRESS, 53);

    public DnsConfig {
        upstreams = List.copyOf(upstreams);
        search = List.copyOf(search);
    }

    /** 127.0.0.11:53, forwarding to what {@code hostResolvConf} lists, 2 s per upstream, /etc/netns and /run/netns. */
    public static DnsConfig from(HostResolvConf hostResolvConf) {
        return new DnsConfig(DOCKER_ADDRESS, hostResolvConf.nameservers(), hostResolvConf.search(), Duration.ofSeconds(2),
                NetNs.ETC_DIR, NetNs.DEFAULT_RUN_DIR);
    }

    /**
     * Reads a comma-separated list of resolvers, each an address with an optional port:
     * {@code 192.0.2.53}, {@code 192.0.2.53:5353}, {@code 2001:db8::53}, {@code [2001:db8::53]:5353}.
     *
     * @throws IllegalArgumentException naming {@code field} and the entry it cannot read
     */
    public static List<InetSocketAddress> parseUpstreams(String text, String field) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String entry = raw.strip();
            String host = entry;
            int port = 53;
            try {
                if (entry.startsWith("[")) {
                    int close = entry.indexOf(']');
                    host = entry.substring(1, close);
                    String rest = entry.substring(close + 1);
                    if (!rest.isEmpty()) {
                        if (!rest.startsWith(":")) {
                            throw new IllegalArgumentException("after ]: " + rest);
                        }
                        port = port(rest.substring(1));
                    }
                } else if (entry.chars().filter(c -> c == ':').count() == 1) {
                    host = entry.substring(0, entry.indexOf(':'));
                    port = port(entry.substring(entry.indexOf(':') + 1));
                }
                out.add(new InetSocketAddress(IpAddress.parse(host).toInetAddress(), port));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad resolver \"" + entry + "\" in " + field + ": give an IP address with an "
                        + "optional port, e.g. 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353", e);
            }
        }
        return out;
    }

    private static int port(String text) {
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        return port;
    }

    public DnsConfig withUpstreams(List<InetSocketAddress> servers) {
        return new DnsConfig(listenAt, servers, search, upstreamTimeout, etcNetns, sandboxRunDir);
    }

    public DnsConfig withUpstreamTimeout(Duration timeout) {
        return new DnsConfig(listenAt, upstreams, search, timeout, etcNetns, sandboxRunDir);
    }
}
