package io.netmgr.nat;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.Verification;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.core.firewall.PortMapping;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What both backends share: validate first (including host addresses and host ports bound by
 * processes), switch on the sysctls the rules need, then change the
 * rules in one backend transaction, and only then remember the new state. Calls are serialized,
 * so a {@link RuleGuard} restoring rules never interleaves with an apply.
 */
public abstract class TransactionalFirewall implements Firewall {
    protected final NetNs ns;
    private final Supplier<Set<InetAddress>> hostAddresses;
    private final KernelSettings kernel;
    private FirewallState current = FirewallState.EMPTY;

    protected TransactionalFirewall(NetNs ns, Supplier<Set<InetAddress>> hostAddresses) {
        this.ns = Objects.requireNonNull(ns, "ns");
        this.hostAddresses = Objects.requireNonNull(hostAddresses, "hostAddresses");
        this.kernel = new KernelSettings(ns);
    }

    /** Changes the kernel from {@code from} (what it has) to {@code to}, in one transaction. */
    protected abstract void program(FirewallState from, FirewallState to);

    /** Replaces whatever is left of netmgr's rules with those of {@code state} (none when empty). */
    protected abstract void programFull(FirewallState state);

    /** What of {@code expected} is missing or changed in the kernel. */
    protected abstract Verification inspect(FirewallState expected);

    @Override
    public final synchronized void apply(FirewallState desired) {
        Objects.requireNonNull(desired, "desired");
        desired.checkHostAddresses(hostAddresses.get());
        // only mappings new to this apply: a process that bound a port after we published it is
        // shadowed by our DNAT, and must not make unrelated changes fail
        Set<PortMapping> published = new HashSet<>(current.ports());
        List<PortMapping> added = desired.ports().stream().filter(p -> !published.contains(p)).toList();
        HostSockets.checkFree(ns, added);
        guard(() -> {
            kernel.prepare(desired);
            program(current, desired);
        });
        current = desired;
        StaleFlows.forgetUdp(ns, added);
    }

    @Override
    public final synchronized FirewallState current() {
        return current;
    }

    @Override
    public final synchronized void removeAll() {
        guard(() -> programFull(FirewallState.EMPTY));
        current = FirewallState.EMPTY;
    }

    @Override
    public final synchronized Verification verify() {
        return inspect(current);
    }

    @Override
    public final synchronized void restore() {
        FirewallState state = current;
        guard(() -> {
            kernel.prepare(state);
            programFull(state);
        });
    }

    private void guard(Runnable work) {
        try {
            work.run();
        } catch (FirewallException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FirewallException(FirewallException.Reason.BACKEND_FAILED, backend() + " in " + ns
                    + " refused the change, nothing was changed: " + e.getMessage(), e);
        }
    }
}
