package io.netmgr.dns;

import io.netmgr.core.store.Store;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The containers' resolver, as netmgrd runs it and an engine may embed it: answers on
 * 127.0.0.11:53 inside every sandbox joined to a user-defined network, with the names of the
 * networks the asker is on (kept current by the store's watch), and forwards other names from
 * {@code host}'s namespace to the upstream resolvers. Closing it closes every socket and removes
 * the resolv.conf files it wrote; a process killed outright leaves no socket (they die with it)
 * and its successor removes the files of sandboxes that went meanwhile.
 */
public final class ContainerDns implements AutoCloseable {
    private final Forwarder forwarder;
    private final DnsServer server;
    private final SandboxListeners listeners;
    private final NameIndex index;

    private ContainerDns(Forwarder forwarder, DnsServer server, SandboxListeners listeners, NameIndex index) {
        this.forwarder = forwarder;
        this.server = server;
        this.listeners = listeners;
        this.index = index;
    }

    /** Starts serving the sandboxes {@code store} knows, and follows it. */
    public static ContainerDns start(Store store, NetNs host, DnsConfig config) {
        return start(store, java.util.Optional.empty(), host, config);
    }

    /**
     * As {@link #start(Store, NetNs, DnsConfig)}, in a cluster: names on global networks (their
     * endpoints, global services and their tasks) come from the {@code cluster} store too.
     */
    public static ContainerDns start(Store store, java.util.Optional<Store> cluster, NetNs host, DnsConfig config) {
        Responder responder = new Responder();
        Forwarder forwarder = new Forwarder(config.upstreams(), host, config.upstreamTimeout(), 16, responder);
        SandboxResolvConf files = new SandboxResolvConf(config.etcNetns(), config.sandboxRunDir(),
                config.listenAt().getAddress().getHostAddress(), config.search());
        files.removeOrphans();
        NameIndex[] index = new NameIndex[1];
        DnsServer server;
        try {
            server = new DnsServer(() -> index[0].table(), responder, forwarder);
        } catch (IOException e) {
            forwarder.close();
            throw new UncheckedIOException("cannot start the DNS server: " + e.getMessage(), e);
        }
        SandboxListeners listeners = new SandboxListeners(server, files, config.listenAt());
        try {
            index[0] = NameIndex.follow(store, cluster, listeners::changed);
            listeners.follow(() -> index[0].table().served());
        } catch (RuntimeException e) { // the store unreadable: nothing started stays behind
            if (index[0] != null) {
                index[0].close();
            }
            listeners.close();
            server.close();
            forwarder.close();
            throw e;
        }
        return new ContainerDns(forwarder, server, listeners, index[0]);
    }

    /** Whether the resolver answers in sandbox {@code sandboxId} yet (it starts shortly after the join is stored). */
    public boolean serves(String sandboxId) {
        return server.serves(sandboxId);
    }

    @Override
    public void close() {
        index.close();
        listeners.close();
        server.close();
        forwarder.close();
    }
}
