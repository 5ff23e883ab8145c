package io.netmgr.core.controller;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.sandbox.Withdrawal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes an endpoint withdrawn from this host ({@link EndpointClaims.Conflict}) visible, not only
 * a log line: noted on its sandbox's record (shown by sandbox inspect until the sandbox is
 * connected to that network again), and told to listeners (the daemon's event stream).
 * Withdrawals made at start, before anyone listens, are kept for the first listener.
 */
final class Withdrawals {
    // what the user can do about it, after the reason
    static final String ADVICE = "; connect the sandbox again to get a new address";

    private final StateStore state;
    private final List<Consumer<Withdrawal>> listeners = new ArrayList<>();
    private final List<Withdrawal> unheard = new ArrayList<>();

    Withdrawals(StateStore state) {
        this.state = state;
    }

    /** Notes and tells that {@code lost} was taken off this host; the caller holds the controller's lock. */
    void record(EndpointClaims.Conflict lost) {
        Endpoint e = lost.endpoint();
        String network = lost.network().map(Network::name).orElse(e.networkId());
        Withdrawal w = new Withdrawal(e.id(), e.name(), e.networkId(), network, e.sandboxId(),
                e.ips().stream().map(Object::toString).toList(), Withdrawal.WITHDRAWN,
                lost.reason() + ADVICE, Instant.now().toString());
        sandboxOf(e).ifPresent(s -> update(s, s.withWithdrawal(w)));
        tell(w);
    }

    /** Drops {@code sandbox}'s note about network {@code networkId}, if any: it is connected to it again. */
    void forgetOn(Sandbox sandbox, String networkId) {
        if (sandbox.withdrawn().stream().anyMatch(w -> w.networkId().equals(networkId))) {
            update(sandbox, sandbox.withoutNoteOn(networkId));
        }
    }

    /** Tells {@code listener} every withdrawal from now on, and first those no listener heard yet. */
    synchronized void listen(Consumer<Withdrawal> listener) {
        unheard.forEach(listener);
        unheard.clear();
        listeners.add(listener);
    }

    private synchronized void tell(Withdrawal w) {
        if (listeners.isEmpty()) {
            unheard.add(w);
        }
        listeners.forEach(l -> l.accept(w));
    }

    private Optional<Sandbox> sandboxOf(Endpoint e) {
        return e.sandboxId() == null ? Optional.empty() : state.get(StateStore.SANDBOXES, e.sandboxId(), Sandbox.class);
    }

    // the sandbox's record stays as it is if the sandbox is removed meanwhile
    private void update(Sandbox before, Sandbox after) {
        state.txn().ifPresent(StateStore.keyOf(before)).put(StateStore.keyOf(after), StateStore.encode(after)).commit();
    }
}
