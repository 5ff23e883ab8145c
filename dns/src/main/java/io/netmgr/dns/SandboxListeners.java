package io.netmgr.dns;

import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a resolver socket pair (UDP and TCP on 127.0.0.11:53) in every sandbox joined to a
 * user-defined network, and its resolv.conf when netmgr made it. A sandbox's sockets are made by
 * a platform thread that entered its namespace (a {@link NetNs} handle's own thread: setns(2)
 * moves one thread only); the socket stays in that namespace whoever uses it later, so the
 * {@link DnsServer}'s one thread serves them all. Changes are applied on one thread of this
 * class, coalesced: a burst of joins is one pass.
 */
final class SandboxListeners implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxListeners.class);

    private final DnsServer server;
    private final SandboxResolvConf resolvConf;
    private final InetSocketAddress listenAt;
    /** How soon a sandbox the resolver could not listen in is tried again. */
    static final long RETRY_MILLIS = 1_000;

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "netmgr-dns-sandboxes");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Map<String, ServedSandbox> open = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    private volatile Supplier<Map<String, ServedSandbox>> wanted = Map::of;

    SandboxListeners(DnsServer server, SandboxResolvConf resolvConf, InetSocketAddress listenAt) {
        this.server = server;
        this.resolvConf = resolvConf;
        this.listenAt = listenAt;
    }

    /** Follows {@code wanted} from now on: each {@link #changed()} brings the sockets in line with it. */
    void follow(Supplier<Map<String, ServedSandbox>> wanted) {
        this.wanted = wanted;
        changed();
    }

    /** Something changed: reconcile soon, once for all changes until then. Cheap; any thread. */
    void changed() {
        if (pending.compareAndSet(false, true)) {
            thread.execute(() -> {
                pending.set(false);
                reconcile(wanted.get());
            });
        }
    }

    private void reconcile(Map<String, ServedSandbox> want) {
        boolean failed = false;
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            ServedSandbox s = it.next().getValue();
            if (!s.equals(want.get(s.id()))) {
                it.remove();
                server.stop(s.id());
                quietly(() -> resolvConf.remove(s), "remove the resolv.conf of sandbox " + s.name());
            }
        }
        for (ServedSandbox s : want.values()) {
            if (!open.containsKey(s.id())) {
                failed |= !start(s);
            }
        }
        warned.retainAll(want.keySet());
        if (failed) { // a runtime may bring the loopback up after the join: try again soon
            thread.schedule(this::changed, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Listens in {@code s}; false when it cannot yet. */
    private boolean start(ServedSandbox s) {
        DnsServer.SandboxSockets sockets;
        try (NetNs ns = NetNs.openPath(s.namespacePath())) {
            sockets = ns.call(() -> bind(s.id()));
        } catch (RuntimeException e) {
            // gone already (removed while we caught up), its loopback still down, or port 53 taken there
            if (warned.add(s.id())) {
                LOG.warn("no DNS in sandbox {} ({}) yet: cannot listen on {} there: {}; trying again every {} ms",
                        s.name(), s.namespacePath(), listenAt.getAddress().getHostAddress() + ":" + listenAt.getPort(),
                        e.getMessage(), RETRY_MILLIS);
            }
            return false;
        }
        server.serve(sockets);
        open.put(s.id(), s);
        quietly(() -> resolvConf.write(s), "write the resolv.conf of sandbox " + s.name());
        return true;
    }

    /** Runs inside the sandbox's namespace. */
    private DnsServer.SandboxSockets bind(String sandboxId) throws IOException {
        DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET);
        ServerSocketChannel tcp = null;
        try {
            // lets a container's own DNS server (which sets it too) take *:53 beside us
            udp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            udp.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            udp.bind(listenAt);
            tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
            tcp.bind(listenAt, 64);
            return new DnsServer.SandboxSockets(sandboxId, udp, tcp);
        } catch (IOException | RuntimeException e) {
            udp.close();
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
    }

    private static void quietly(Runnable work, String what) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("cannot {}: {}", what, e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the sockets close with the server; the resolv.conf files go: nobody answers there any more
        open.values().forEach(s -> quietly(() -> resolvConf.remove(s), "remove the resolv.conf of sandbox " + s.name()));
        open.clear();
    }
}
