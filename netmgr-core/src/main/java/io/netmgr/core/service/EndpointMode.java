package io.netmgr.core.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netmgr.core.Keywords;
import io.netmgr.core.NetmgrException;

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
        return Keywords.find(values(), text)
                .orElseThrow(() -> NetmgrException.invalid("bad endpoint mode \"" + text + "\": use vip or dnsrr"));
    }

    @JsonValue
    public String keyword() {
        return Keywords.of(this);
    }

    @Override
    public String toString() {
        return keyword();
    }
}
