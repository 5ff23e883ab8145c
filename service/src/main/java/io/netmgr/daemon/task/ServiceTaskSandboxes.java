package io.netmgr.daemon.task;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceController;
import io.netmgr.daemon.DaemonOperations;
import io.netmgr.core.network.NameResolution;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Optional;

/**
 * Task sandboxes through the daemon's operations (so each step is an event, as when a user
 * types it): sandbox {@code web.2} made by netmgr, connected to each of the service's networks
 * by an endpoint of the same name, then attached as a backend of the service. Every step looks
 * first at what exists, so a sandbox half made before a crash is completed, not duplicated.
 */
public final class ServiceTaskSandboxes implements TaskSandboxes {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceTaskSandboxes.class);
    /** How long a task waits for its sandbox's resolv.conf, which netmgrd's resolver writes as it sees the join. */
    private static final Duration RESOLV_CONF_WAIT = Duration.ofSeconds(5);

    private final DaemonOperations ops;
    private final ServiceController services;
    private final boolean sandboxDns;

    /** {@code sandboxDns}: netmgrd's resolver answers in sandboxes, so a task starts only once its resolv.conf is there. */
    public ServiceTaskSandboxes(DaemonOperations ops, ServiceController services, boolean sandboxDns) {
        this.ops = ops;
        this.services = services;
        this.sandboxDns = sandboxDns;
    }

    @Override
    public Path ensure(TaskSlot slot) {
        Service service = services.service(slot.service());
        Sandbox sandbox = ops.sandboxNamed(slot.name()).orElseGet(() -> ops.createSandbox(slot.name(), Optional.empty()));
        for (String networkId : service.networkIds()) {
            if (ops.connection(ops.network(networkId), sandbox).isEmpty()) {
                ops.createEndpoint(networkId, EndpointConfig.named(slot.name()), Optional.of(sandbox.id()));
            }
        }
        boolean attached = services.backends(service.id()).stream().anyMatch(b -> b.sandboxId().equals(sandbox.id()));
        if (!attached) {
            services.attach(service.id(), sandbox.id());
        }
        Path namespace = Path.of(sandbox.namespacePath());
        if (sandboxDns && service.networkIds().stream().map(ops::network).anyMatch(NameResolution::servedOn)) {
            awaitResolvConf(slot, namespace);
        }
        return namespace;
    }

    /**
     * The resolver writes {@code /etc/netns/NS/resolv.conf} when its watch of the store sees the
     * join, a moment after it: a task started before would keep the host's resolv.conf for life.
     */
    private static void awaitResolvConf(TaskSlot slot, Path namespace) {
        Path file = NetNs.ETC_DIR.resolve(namespace.getFileName().toString()).resolve("resolv.conf");
        long deadline = System.nanoTime() + RESOLV_CONF_WAIT.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("task {}: no {} after {} s; starting it with the host's resolv.conf", slot.name(), file,
                        RESOLV_CONF_WAIT.toSeconds());
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void remove(TaskSlot slot) {
        Optional<Sandbox> sandbox = ops.sandboxNamed(slot.name());
        if (sandbox.isEmpty()) {
            return;
        }
        for (Endpoint e : ops.endpoints()) {
            if (sandbox.get().id().equals(e.sandboxId())) {
                services.forgetEndpoint(e.id()); // no new flow to it, its flows dropped, before its interface goes
            }
        }
        try {
            ops.deleteSandbox(sandbox.get().id());
        } catch (NetmgrException e) {
            if (e.kind() != NetmgrException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }
}
