package io.netmgr.daemon;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something that changed: {@code type} network, endpoint or sandbox; {@code action} created,
 * removed, joined, left (and withdrawn: an endpoint netmgr took off its host, with the reason); the object's id and name; attributes such as the network or sandbox
 * an endpoint belongs to. Streamed as one JSON line each by {@code /v1/events}; network ones
 * also by Docker's {@code /events}.
 */
public record Event(String time, String type, String action, String id, String name, Map<String, String> attributes) {
    /** Every {@link #type} there is, for callers who filter on one. */
    public static final List<String> TYPES = List.of("network", "endpoint", "sandbox", "service");

    public Event {
        attributes = Map.copyOf(attributes);
    }

    public static Event of(String type, String action, String id, String name, Map<String, String> attributes) {
        return new Event(Instant.now().toString(), type, action, id, name, attributes);
    }

    @JsonIgnore
    public Instant instant() {
        return Instant.parse(time);
    }
}
