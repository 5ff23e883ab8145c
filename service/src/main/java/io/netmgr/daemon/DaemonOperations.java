package io.netmgr.daemon;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.driver.JoinMode;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.sandbox.Withdrawal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What both HTTP APIs (netmgr's own and Docker's) do with the controller: each operation is
 * timed for {@code /metrics} and announces what it changed on the event stream. Calls block
 * (kernel and store work): callers run them on worker threads, never on an event loop.
 */
public final class DaemonOperations {
    private final NetworkController controller;
    private final Events events;
    private final OperationMetrics metrics;
    private final SandboxConnections connections;

    public DaemonOperations(NetworkController controller, Events events, OperationMetrics metrics) {
        this.controller = controller;
        this.connections = new SandboxConnections(controller);
        this.events = events;
        this.metrics = metrics;
        controller.onWithdrawal(this::withdrawn);
    }

    /**
     * An endpoint netmgr took off this host on its own (another host took its address or name
     * while this one was away): an event with the reason, as the sandbox's record keeps it.
     */
    private void withdrawn(Withdrawal w) {
        Map<String, String> attributes = new TreeMap<>(Map.of("network", w.networkId(), "networkName", w.network(),
                "addresses", String.join(",", w.addresses()), "reason", w.reason()));
        if (w.sandboxId() != null) {
            attributes.put("sandbox", w.sandboxId());
        }
        events.publish(Event.of("endpoint", Withdrawal.WITHDRAWN, w.endpointId(), w.endpoint(), attributes));
    }

    // ---- networks

    public List<Network> networks(NetworkFilter filter) {
        return metrics.time("network.list", () -> controller.networks(filter));
    }

    public Network network(String ref) {
        return metrics.time("network.inspect", () -> controller.network(ref));
    }

    /** Where networks of {@code driver} are known; empty for a driver this host does not have. */
    public Optional<Scope> driverScope(String driver) {
        return controller.driverScope(driver);
    }

    public Network createNetwork(NetworkConfig config) {
        Network n = metrics.time("network.create", () -> controller.createNetwork(config));
        events.publish(Event.of("network", "created", n.id(), n.name(), Map.of("driver", n.driver())));
        return n;
    }

    public Network deleteNetwork(String ref) {
        Network n = metrics.time("network.remove", () -> {
            Network network = controller.network(ref);
            controller.deleteNetwork(network.id());
            return network;
        });
        events.publish(Event.of("network", "removed", n.id(), n.name(), Map.of("driver", n.driver())));
        return n;
    }

    /** Removes every user-made network without endpoints that {@code which} accepts; returns them. */
    public List<Network> pruneNetworks(Predicate<Network> which) {
        List<Network> removed = new ArrayList<>();
        Map<String, Integer> inUse = endpointCounts();
        for (Network n : controller.networks(NetworkFilter.ALL)) {
            if (n.predefined() || inUse.getOrDefault(n.name(), 0) > 0 || !which.test(n)) {
                continue;
            }
            try {
                removed.add(deleteNetwork(n.id()));
            } catch (NetmgrException e) {
                // someone attached an endpoint or removed it meanwhile: not prunable any more
                if (e.kind() != NetmgrException.Kind.FORBIDDEN && e.kind() != NetmgrException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return removed;
    }

    /** Endpoints per network name, for the metrics and for pruning. */
    public Map<String, Integer> endpointCounts() {
        Map<String, String> names = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Network n : controller.networks(NetworkFilter.ALL)) {
            names.put(n.id(), n.name());
            counts.put(n.name(), 0);
        }
        for (Endpoint e : controller.endpoints()) {
            String name = names.get(e.networkId());
            if (name != null) {
                counts.merge(name, 1, Integer::sum);
            }
        }
        return counts;
    }

    // ---- sandboxes

    public List<Sandbox> sandboxes() {
        return metrics.time("sandbox.list", controller::sandboxes);
    }

    public Sandbox sandbox(String ref) {
        return metrics.time("sandbox.inspect", () -> controller.sandbox(ref));
    }

    /** The sandbox named exactly {@code name}, if any. */
    public Optional<Sandbox> sandboxNamed(String name) {
        return controller.findSandbox(name);
    }

    /** The sandbox with id {@code id}, if it still exists. */
    public Optional<Sandbox> sandboxById(String id) {
        return controller.findSandboxById(id);
    }

    /** A sandbox in a namespace netmgr makes, or, with {@code namespacePath}, in someone else's. */
    public Sandbox createSandbox(String name, Optional<Path> namespacePath) {
        return announced(metrics.time("sandbox.create", () -> namespacePath.map(p -> controller.adoptSandbox(name, p))
                .orElseGet(() -> controller.createSandbox(name))));
    }

    /** A sandbox whose namespace its caller makes at {@code namespacePath} later (see {@link NetworkController#adoptPendingSandbox}). */
    public Sandbox adoptPendingSandbox(String name, Path namespacePath) {
        return announced(metrics.time("sandbox.create", () -> controller.adoptPendingSandbox(name, namespacePath)));
    }

    private Sandbox announced(Sandbox s) {
        events.publish(Event.of("sandbox", "created", s.id(), s.name(), Map.of("namespace", s.namespacePath())));
        return s;
    }

    /** Removes the sandbox and, with its last user, the endpoints joined to it (the controller deletes them). */
    public Sandbox deleteSandbox(String ref) {
        Sandbox s = controller.sandbox(ref);
        List<Endpoint> deleted = metrics.time("sandbox.remove", () -> controller.deleteSandbox(s.id()));
        for (Endpoint e : deleted) {
            events.publish(endpointEvent("left", e, controller.network(e.networkId()), s.id(), s.name()));
            events.publish(endpointRemoved(e));
        }
        events.publish(Event.of("sandbox", "removed", s.id(), s.name(), Map.of()));
        return s;
    }

    // ---- endpoints

    public List<Endpoint> endpoints() {
        return metrics.time("endpoint.list", controller::endpoints);
    }

    /** The endpoints on network {@code n} (its index, not every endpoint of the host). */
    public List<Endpoint> endpointsOn(Network n) {
        return controller.endpointsOn(n.id());
    }

    /** An endpoint by full id or unique id prefix. */
    public Endpoint endpoint(String ref) {
        return metrics.time("endpoint.inspect", () -> resolveEndpoint(ref));
    }

    private Endpoint resolveEndpoint(String ref) {
        if (Ids.looksLikeIdPrefix(ref)) {
            List<Endpoint> matches = controller.endpoints().stream().filter(e -> e.id().startsWith(ref)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw NetmgrException.invalid("endpoint id prefix " + ref + " is ambiguous: it matches " + matches.size()
                        + " endpoints; give more characters");
            }
        }
        throw NetmgrException.notFound("endpoint " + ref + " not found");
    }

    /**
     * Creates an endpoint and, when {@code sandboxRef} is given, joins it; a failed join removes
     * the endpoint again, so the caller sees all or nothing. A sandbox connected to the network
     * already is refused with 409, naming the endpoint that connects it.
     */
    public Endpoint createEndpoint(String networkRef, EndpointConfig config, Optional<String> sandboxRef) {
        return createEndpoint(networkRef, config, sandboxRef, DaemonOperations::joinsOnce);
    }

    /** netmgr's own API's refusal of a second connection of a sandbox to a network. */
    private static NetmgrException joinsOnce(Network network, Sandbox sandbox, Endpoint existing) {
        return NetmgrException.conflict("sandbox " + sandbox.name() + " is already connected to network " + network.name()
                + " by endpoint " + existing.name() + ": a sandbox joins a network once; remove that endpoint first, or connect"
                + " another sandbox");
    }

    /**
     * Docker's connect: {@link #createEndpoint} joined to {@code sandboxId}, and a container
     * connected already refused as dockerd refuses it (libnetwork's 403 and words, which docker
     * CLI users and scripts know).
     */
    public Endpoint connect(String networkRef, EndpointConfig config, String sandboxId) {
        return createEndpoint(networkRef, config, Optional.of(sandboxId), (network, sandbox, existing) -> NetmgrException.forbidden(
                "endpoint with name " + existing.name() + " already exists in network " + network.name() + " (sandbox "
                        + sandbox.name() + " is already connected to it); disconnect it first"));
    }

    /** How a second connection of a sandbox to a network is refused. */
    private interface SecondConnection {
        NetmgrException refusal(Network network, Sandbox sandbox, Endpoint existing);
    }

    private Endpoint createEndpoint(String networkRef, EndpointConfig config, Optional<String> sandboxRef, SecondConnection refused) {
        Sandbox sandbox = sandboxRef.map(controller::sandbox).orElse(null); // unknown sandbox: refuse before reserving
        if (sandbox == null) {
            return create(networkRef, config);
        }
        // Docker's rule: a container joins a network once. CNI, which may give a container two
        // interfaces on one network, does not come this way.
        return connections.exclusively(sandbox, () -> {
            Network network = controller.network(networkRef);
            connections.existing(network, sandbox).ifPresent(e -> {
                throw refused.refusal(network, sandbox, e);
            });
            Endpoint created = create(networkRef, config);
            try {
                return join(created.id(), sandbox.id(), JoinMode.INTO_SANDBOX);
            } catch (RuntimeException e) {
                try {
                    deleteEndpoint(created.id());
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
        });
    }

    private Endpoint create(String networkRef, EndpointConfig config) {
        Endpoint created = metrics.time("endpoint.create", () -> controller.createEndpoint(networkRef, config));
        events.publish(endpointEvent("created", created, controller.network(created.networkId()), null, null));
        return created;
    }

    /**
     * Joins an endpoint made without a sandbox ({@code POST /v1/endpoints/{id}/join}) under the
     * same rule and lock as {@link #createEndpoint}: a sandbox joins a network once. CNI (which
     * may give a container two interfaces on one network) and Docker's hand-over do not come
     * this way.
     */
    public Endpoint join(String endpointRef, String sandboxRef) {
        Endpoint endpoint = resolveEndpoint(endpointRef);
        Sandbox sandbox = controller.sandbox(sandboxRef);
        return connections.exclusively(sandbox, () -> {
            Network network = controller.network(endpoint.networkId());
            // the endpoint itself joined already: the controller's own answer says so
            connections.existing(network, sandbox).filter(e -> !e.id().equals(endpoint.id())).ifPresent(e -> {
                throw joinsOnce(network, sandbox, e);
            });
            return join(endpoint.id(), sandbox.id(), JoinMode.INTO_SANDBOX);
        });
    }

    /** Joins as {@link NetworkController#join(String, String, JoinMode)} does, announcing it. */
    public Endpoint join(String endpointRef, String sandboxRef, JoinMode mode) {
        Endpoint e = resolveEndpoint(endpointRef);
        Sandbox s = controller.sandbox(sandboxRef);
        Endpoint joined = metrics.time("endpoint.join", () -> controller.join(e.id(), s.id(), mode));
        events.publish(endpointEvent("joined", joined, controller.network(joined.networkId()), s.id(), s.name()));
        return joined;
    }

    public Endpoint leave(String endpointRef) {
        Endpoint e = resolveEndpoint(endpointRef);
        if (e.sandboxId() == null) {
            throw NetmgrException.conflict("endpoint " + e.name() + " is not joined to a sandbox: there is nothing to leave");
        }
        Endpoint left = metrics.time("endpoint.leave", () -> controller.leave(e.id()));
        events.publish(endpointEvent("left", e, controller.network(e.networkId()), e.sandboxId(), sandboxName(e.sandboxId())));
        return left;
    }

    public Endpoint deleteEndpoint(String endpointRef) {
        Endpoint e = resolveEndpoint(endpointRef);
        if (e.sandboxId() != null) {
            leave(e.id());
        }
        metrics.time("endpoint.remove", () -> {
            controller.deleteEndpoint(e.id());
            return e;
        });
        events.publish(endpointRemoved(e));
        return e;
    }

    private static Event endpointRemoved(Endpoint e) {
        return Event.of("endpoint", "removed", e.id(), e.name(), Map.of("network", e.networkId()));
    }

    /** The endpoint connecting {@code sandbox} to {@code network}, if any. */
    public Optional<Endpoint> connection(Network network, Sandbox sandbox) {
        return connections.existing(network, sandbox);
    }

    /** The endpoint joining {@code sandboxRef} to {@code networkRef}, left and removed (Docker's disconnect). */
    public Endpoint disconnect(String networkRef, String sandboxRef) {
        Network n = controller.network(networkRef);
        Sandbox s = controller.sandbox(sandboxRef);
        Endpoint e = connections.existing(n, s).orElseThrow(() -> NetmgrException.forbidden("container " + s.id() + " is not connected to network " + n.name()));
        return deleteEndpoint(e.id());
    }

    /** The name of a sandbox, or null when it is gone already. */
    private String sandboxName(String sandboxId) {
        try {
            return controller.sandbox(sandboxId).name();
        } catch (NetmgrException e) {
            if (e.kind() == NetmgrException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /**
     * An endpoint's event naming its network (id, name, driver: what Docker's connect and
     * disconnect events show) and its sandbox when it has one (id, and name unless null).
     */
    private static Event endpointEvent(String action, Endpoint e, Network n, String sandboxId, String sandboxName) {
        Map<String, String> attributes = new TreeMap<>(Map.of("network", n.id(), "networkName", n.name(), "networkDriver", n.driver()));
        if (sandboxId != null) {
            attributes.put("sandbox", sandboxId);
        }
        if (sandboxName != null) {
            attributes.put("sandboxName", sandboxName);
        }
        return Event.of("endpoint", action, e.id(), e.name(), attributes);
    }
}
