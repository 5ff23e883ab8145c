package io.netmgr.core.service;

import io.netmgr.core.NetmgrException;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How clients reach a service, as swarm names it: {@code vip}, through a virtual IP per network
 * that the firewall balances over the backends; {@code dnsrr}, through DNS alone (the name
 * answers every backend's address), with no virtual IP and so no ingress ports.
 */
public enum EndpointMode {
    VIP, DNSRR;

    /** Parses "vip" or "dnsrr" (any case); anything else is a clear error naming the value. */
    @JsonCreator
    public static EndpointMode parse(String text) {
        for (EndpointMode m : values()) {
            if (m.keyword().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return m;
            }
        }
        throw NetmgrException.invalid("bad endpoint mode \"" + text + "\": use vip or dnsrr");
    }

    @JsonValue
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return keyword();
    }
}
