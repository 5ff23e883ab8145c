package io.netmgr.daemon.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.core.network.Network;
import io.netmgr.daemon.JsonBodies;
import io.netmgr.daemon.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Docker's {@code filters} query parameter: JSON mapping a key to its values, either
 * {@code {"name":{"front":true}}} (current clients) or {@code {"name":["front"]}} (old ones).
 * Values of one key are alternatives, different keys must all match, as in dockerd.
 */
final class DockerFilters {
    private static final Set<String> LIST_KEYS = Set.of("driver", "id", "label", "name", "scope", "type", "dangling");
    private static final Set<String> PRUNE_KEYS = Set.of("until", "label", "label!");
    // dockerd's event filters: these match the event's actor by id or name (prefixes too), whatever its type
    private static final Set<String> EVENT_ACTOR_KEYS = Set.of("config", "container", "daemon", "image", "network", "node",
            "plugin", "secret", "service", "volume");
    private static final Set<String> EVENT_KEYS = union(EVENT_ACTOR_KEYS, Set.of("event", "label", "scope", "type"));

    private final Map<String, List<String>> values;

    private DockerFilters(Map<String, List<String>> values) {
        this.values = values;
    }

    static DockerFilters parse(String json) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return new DockerFilters(values);
        }
        JsonNode root;
        try {
            root = JsonBodies.DOCKER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid filters: " + JsonBodies.describe(e));
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("invalid filters: expected a JSON object, got " + json);
        }
        root.fields().forEachRemaining(f -> {
            List<String> list = new ArrayList<>();
            if (f.getValue().isArray()) {
                f.getValue().forEach(v -> list.add(v.asText()));
            } else if (f.getValue().isObject()) {
                f.getValue().fields().forEachRemaining(v -> {
                    if (v.getValue().asBoolean()) {
                        list.add(v.getKey());
                    }
                });
            } else {
                throw new IllegalArgumentException("invalid filters: value of '" + f.getKey() + "' must be a list or a map");
            }
            values.put(f.getKey(), list);
        });
        return new DockerFilters(values);
    }

    /** The predicate of {@code GET /networks}; {@code endpointCount} answers for {@code dangling}. */
    Predicate<Network> forList(java.util.function.ToIntFunction<Network> endpointCount) {
        checkKeys(LIST_KEYS);
        Predicate<Network> p = n -> true;
        for (Map.Entry<String, List<String>> f : values.entrySet()) {
            List<String> vs = f.getValue();
            Predicate<Network> key = switch (f.getKey()) {
                case "name" -> n -> vs.stream().anyMatch(v -> n.name().contains(v));
                case "id" -> n -> vs.stream().anyMatch(v -> n.id().contains(v));
                case "driver" -> n -> vs.contains(n.driver());
                case "label" -> n -> vs.stream().anyMatch(v -> hasLabel(n, v));
                case "scope" -> n -> vs.contains(DockerNetworkView.scope(n));
                case "type" -> type(vs);
                case "dangling" -> dangling(vs, endpointCount);
                default -> throw new IllegalStateException(f.getKey());
            };
            p = p.and(key);
        }
        return p;
    }

    /** The predicate of {@code POST /networks/prune}: {@code until}, {@code label} and {@code label!}. */
    Predicate<Network> forPrune(Instant now) {
        checkKeys(PRUNE_KEYS);
        Predicate<Network> p = n -> true;
        for (String v : values.getOrDefault("until", List.of())) {
            Instant until = Timestamps.parse("filter: 'until'", v, now);
            p = p.and(n -> Instant.parse(n.created()).isBefore(until));
        }
        for (String v : values.getOrDefault("label", List.of())) {
            p = p.and(n -> hasLabel(n, v));
        }
        for (String v : values.getOrDefault("label!", List.of())) {
            p = p.and(n -> !hasLabel(n, v));
        }
        return p;
    }

    /**
     * The predicate of {@code GET /events}, as dockerd filters: {@code type}, {@code event} (the
     * action) and {@code scope} exactly; {@code label} against the actor's attributes; the
     * actor keys ({@code network}, {@code container}...) by the actor's id or name or a prefix
     * of either.
     */
    Predicate<DockerEvent> forEvents() {
        checkKeys(EVENT_KEYS);
        Predicate<DockerEvent> p = e -> exact("type", e.type()) && exact("event", e.action()) && exact("scope", DockerEvent.SCOPE);
        for (String key : EVENT_ACTOR_KEYS) {
            p = p.and(e -> fuzzy(key, e.actorId()) || fuzzy(key, e.attributes().get("name")));
        }
        for (String v : values.getOrDefault("label", List.of())) {
            p = p.and(e -> hasLabel(e.attributes(), v));
        }
        return p;
    }

    /** Whether {@code value} is one of {@code key}'s values, or {@code key} is not filtered. */
    private boolean exact(String key, String value) {
        List<String> vs = values.get(key);
        return vs == null || vs.contains(value);
    }

    /** As {@link #exact}, a value being a prefix of {@code value} also matching (dockerd's FuzzyMatch). */
    private boolean fuzzy(String key, String value) {
        List<String> vs = values.get(key);
        return vs == null || (value != null && vs.stream().anyMatch(value::startsWith));
    }

    private void checkKeys(Set<String> allowed) {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("invalid filter '" + k + "'");
            }
        }
    }

    private static Predicate<Network> type(List<String> vs) {
        for (String v : vs) {
            if (!v.equals("custom") && !v.equals("builtin")) {
                throw new IllegalArgumentException("invalid filter: 'type'='" + v + "'");
            }
        }
        return n -> vs.contains(n.predefined() ? "builtin" : "custom");
    }

    private static Predicate<Network> dangling(List<String> vs, java.util.function.ToIntFunction<Network> endpointCount) {
        if (vs.size() != 1 || !Set.of("true", "1", "false", "0").contains(vs.get(0))) {
            throw new IllegalArgumentException("invalid filter 'dangling=" + String.join(",", vs) + "'");
        }
        boolean wanted = vs.get(0).equals("true") || vs.get(0).equals("1");
        return n -> (!n.predefined() && endpointCount.applyAsInt(n) == 0) == wanted;
    }

    private static boolean hasLabel(Network n, String label) {
        return hasLabel(n.labels(), label);
    }

    /** {@code label} is KEY (present) or KEY=VALUE (present with that value). */
    private static boolean hasLabel(Map<String, String> labels, String label) {
        int eq = label.indexOf('=');
        return eq < 0 ? labels.containsKey(label) : label.substring(eq + 1).equals(labels.get(label.substring(0, eq)));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

}
