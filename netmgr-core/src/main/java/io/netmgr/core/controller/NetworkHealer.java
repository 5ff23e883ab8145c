package io.netmgr.core.controller;

import io.netmgr.netlink.event.EventSubscription;
import io.netmgr.netlink.event.NetlinkEvent;
import io.netmgr.netlink.link.Bridge;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Repairs a network as soon as the kernel announces one of its bridges deleted (an admin's
 * {@code ip link del}, a network manager's cleanup), instead of at the next restart: the host
 * namespace's link events arrive on a netlink socket, and each bridge deletion schedules one
 * {@link NetworkController#repairDamagedNetworks} on a thread of its own. Deletions that arrive
 * while a repair waits are served by it. A long-lived process (netmgrd) runs one.
 */
public final class NetworkHealer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetworkHealer.class.getName());

    private final NetworkController controller;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService repairs = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "netmgr-healer");
        t.setDaemon(true);
        return t;
    });
    private final EventSubscription events;

    private NetworkHealer(NetworkController controller) {
        this.controller = controller;
        this.events = EventSubscription.open(controller.host().namespace(), this::onEvent);
    }

    /** Starts watching {@code controller}'s host namespace. */
    public static NetworkHealer start(NetworkController controller) {
        return new NetworkHealer(controller);
    }

    private void onEvent(NetlinkEvent event) {
        // bridges are what networks stand on; a veth going is an endpoint leaving, by us or its container
        if (event instanceof NetlinkEvent.LinkChanged c && c.removed() && c.link() instanceof Bridge
                && scheduled.compareAndSet(false, true)) {
            repairs.execute(this::repair);
        }
    }

    private void repair() {
        scheduled.set(false); // a deletion from here on needs a look of its own
        try {
            controller.repairDamagedNetworks().forEach(line -> LOG.log(Level.INFO, "repaired: " + line));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not repair a network whose bridge was deleted: " + e.getMessage()
                    + "; the next join on it, or a restart, tries again");
        }
    }

    @Override
    public void close() {
        events.close();
        repairs.shutdown();
        try {
            repairs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
