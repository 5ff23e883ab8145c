package io.netmgr.daemon.task;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceController;
import io.netmgr.daemon.DaemonOperations;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Task sandboxes through the daemon's operations (so each step is an event, as when a user
 * types it): sandbox {@code web.2} made by netmgr, connected to each of the service's networks
 * by an endpoint of the same name, then attached as a backend of the service. Every step looks
 * first at what exists, so a sandbox half made before a crash is completed, not duplicated.
 */
public final class ServiceTaskSandboxes implements TaskSandboxes {
    private final DaemonOperations ops;
    private final ServiceController services;

    public ServiceTaskSandboxes(DaemonOperations ops, ServiceController services) {
        this.ops = ops;
        this.services = services;
    }

    @Override
    public Path ensure(TaskSlot slot) {
        Service service = services.service(slot.service());
        Sandbox sandbox = ops.sandboxNamed(slot.name()).orElseGet(() -> ops.createSandbox(slot.name(), Optional.empty()));
        for (String networkId : service.networkIds()) {
            boolean connected = ops.endpointsOn(ops.network(networkId)).stream().anyMatch(e -> sandbox.id().equals(e.sandboxId()));
            if (!connected) {
                ops.createEndpoint(networkId, EndpointConfig.named(slot.name()), Optional.of(sandbox.id()));
            }
        }
        boolean attached = services.backends(service.id()).stream().anyMatch(b -> b.sandboxId().equals(sandbox.id()));
        if (!attached) {
            services.attach(service.id(), sandbox.id());
        }
        return Path.of(sandbox.namespacePath());
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
