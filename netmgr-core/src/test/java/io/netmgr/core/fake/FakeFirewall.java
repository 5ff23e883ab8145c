package io.netmgr.core.fake;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.firewall.Verification;
import java.util.List;
import java.util.Set;

/**
 * A firewall that keeps its state in memory. {@link FirewallState} itself refuses a host port
 * claimed twice, as the real backends do; each apply is a step {@link Faults} can fail.
 */
public final class FakeFirewall implements Firewall {
    private final Faults faults;
    private FirewallState current = FirewallState.EMPTY;

    public FakeFirewall(Faults faults) {
        this.faults = faults;
    }

    /** The rules in force, in no order (a network removed and put back comes last, and that is the same rules). */
    public record Rules(Set<NetworkRules> networks, Set<PortMapping> ports, Set<ServiceRules> services) {
    }

    public synchronized Rules rules() {
        return new Rules(Set.copyOf(current.networks()), Set.copyOf(current.ports()), Set.copyOf(current.services()));
    }

    @Override
    public String backend() {
        return "fake";
    }

    @Override
    public synchronized void apply(FirewallState desired) {
        faults.step("firewall apply");
        current = desired;
    }

    @Override
    public synchronized void takeOver(FirewallState state) {
        faults.step("firewall takeOver");
        current = state;
    }

    @Override
    public synchronized FirewallState current() {
        return current;
    }

    @Override
    public synchronized void removeAll() {
        current = FirewallState.EMPTY;
    }

    @Override
    public Verification verify() {
        return Verification.INTACT;
    }

    @Override
    public Verification verifyPorts(List<PortMapping> mappings) {
        return Verification.INTACT;
    }

    @Override
    public void restore() {
    }

    @Override
    public void close() {
    }
}
