package io.netmgr.daemon.docker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netmgr.daemon.Event;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One of netmgr's events as Docker's events API shows it ({@code events.Message}): networks
 * created and removed ({@code create}, {@code destroy}) and sandboxes joining and leaving them
 * ({@code connect}, {@code disconnect}); the actor is the network, with its {@code name} and
 * driver ({@code type}), and for a connect or disconnect the {@code container} (sandbox id).
 */
record DockerEvent(String type, String action, String actorId, Map<String, String> attributes, Instant time) {
    static final String SCOPE = "local";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    DockerEvent {
        attributes = new TreeMap<>(attributes); // dockerd's attributes come out sorted by key
    }

    /** The Docker event for {@code e}; empty for what Docker has no network event for (sandboxes, endpoints alone). */
    static Optional<DockerEvent> of(Event e) {
        Map<String, String> a = e.attributes();
        return switch (e.type() + " " + e.action()) {
            case "network created" -> Optional.of(network("create", e.id(), e.name(), a.get("driver"), null, e));
            case "network removed" -> Optional.of(network("destroy", e.id(), e.name(), a.get("driver"), null, e));
            case "endpoint joined" -> Optional.of(network("connect", a.get("network"), a.get("networkName"), a.get("networkDriver"),
                    a.get("sandbox"), e));
            case "endpoint left" -> Optional.of(network("disconnect", a.get("network"), a.get("networkName"), a.get("networkDriver"),
                    a.get("sandbox"), e));
            default -> Optional.empty();
        };
    }

    private static DockerEvent network(String action, String networkId, String name, String driver, String container, Event e) {
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("name", name);
        attributes.put("type", driver);
        if (container != null) {
            attributes.put("container", container);
        }
        return new DockerEvent("network", action, networkId, attributes, e.instant());
    }

    /** The event as dockerd writes it on its stream: one JSON object, no newline. */
    String json() {
        ObjectNode o = JSON.objectNode();
        o.put("Type", type);
        o.put("Action", action);
        ObjectNode actor = o.putObject("Actor");
        actor.put("ID", actorId);
        ObjectNode attrs = actor.putObject("Attributes");
        attributes.forEach(attrs::put);
        o.put("scope", SCOPE);
        o.put("time", time.getEpochSecond());
        o.put("timeNano", time.getEpochSecond() * 1_000_000_000L + time.getNano());
        return o.toString();
    }
}
