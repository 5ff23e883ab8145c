package io.netmgr.core.driver;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.ns.NetNs;
import java.lang.System.Logger.Level;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Deletes the host links netmgr no longer needs off the caller's path. Deleting a bridge is slow
 * (unregistering waits for RCU grace periods and for every reference to drain); taking one out of
 * service is quick: down (its routes go), its addresses removed, renamed
 * {@value #RETIRED_PREFIX}&lt;random&gt;. Its name is free at once and nothing reaches it, so a
 * network is gone for the host when {@link #retire} returns; one background thread then deletes
 * it, outside the controller's lock, while other changes go on (figures: bench/README.md,
 * bench/networks-vs-dockerd.sh).
 *
 * <p>{@link #close} waits for the deletions handed over; a process killed before that leaves
 * retired links, which the next controller deletes as it starts ({@link #reapLeftovers}).
 */
public final class LinkReaper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LinkReaper.class.getName());
    /** The name of a link taken out of service, waiting for deletion. */
    public static final String RETIRED_PREFIX = "nmx-";

    private final NetNs host;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "netmgr-link-reaper");
        t.setDaemon(true);
        return t;
    });
    private NetlinkHandle netlink; // the reaper thread's own, opened on first use

    public LinkReaper(NetNs host) {
        this.host = host;
    }

    /** Whether {@code linkName} is a link retired by a reaper, its deletion pending. */
    public static boolean isRetired(String linkName) {
        return linkName.startsWith(RETIRED_PREFIX);
    }

    /**
     * Takes link {@code name} out of service through {@code caller} (the caller's own handle, on
     * the caller's thread) and has it deleted in the background; nothing when it does not exist.
     */
    public void retire(NetlinkHandle caller, String name) {
        var link = caller.links().find(name);
        if (link.isEmpty()) {
            return;
        }
        caller.links().setDown(name);
        for (Address a : caller.addresses().list(link.get().index())) {
            caller.addresses().delete(a);
        }
        String retired = RETIRED_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 11);
        caller.links().rename(name, retired);
        deleteLater(retired);
    }

    /** Has the retired links a killed process left on the host deleted; call at start. */
    public void reapLeftovers(NetlinkHandle caller) {
        for (Link l : caller.links().list()) {
            if (isRetired(l.name())) {
                deleteLater(l.name());
            }
        }
    }

    private void deleteLater(String retired) {
        thread.execute(() -> {
            try {
                if (netlink == null) {
                    netlink = NetlinkHandle.open(host);
                }
                netlink.links().deleteIfExists(retired);
            } catch (RuntimeException e) {
                // it stays retired, out of service; the next start tries again
                LOG.log(Level.WARNING, "could not delete retired link " + retired + ": " + e.getMessage());
            }
        });
    }

    /** Waits (up to a minute) for every deletion handed over so far. */
    public void drain() {
        try {
            thread.submit(() -> { }).get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.WARNING, "retired links still pending: " + e);
        }
    }

    /** Waits for the pending deletions, then stops the thread. */
    @Override
    public void close() {
        drain();
        thread.execute(() -> {
            if (netlink != null) {
                netlink.close();
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
