package io.netmgr.core.firewall;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netmgr.core.Keywords;

/**
 * How a service's port is published, as swarm names it: {@code ingress} answers on every host
 * address and spreads over every backend with source NAT (the routing mesh); {@code host} answers
 * only where a backend runs, only to local backends, keeping the client's address.
 */
public enum PublishMode {
    INGRESS, HOST;

    /** Parses "ingress" or "host" (any case); anything else is a clear error naming the value. */
    @JsonCreator
    public static PublishMode parse(String text) {
        return Keywords.find(values(), text).orElseThrow(() -> FirewallException.invalid("bad publish mode \"" + text + "\": use ingress or host"));
    }

    /** The lower-case name the CLI, the API and swarm use. */
    @JsonValue
    public String keyword() {
        return Keywords.of(this);
    }

    @Override
    public String toString() {
        return keyword();
    }
}
