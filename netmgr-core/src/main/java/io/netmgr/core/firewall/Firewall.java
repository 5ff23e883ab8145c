package io.netmgr.core.firewall;

/**
 * Programs netmgr's packet filtering and NAT on one host (one network namespace): masquerade,
 * published ports, isolation between networks, icc and internal networks.
 *
 * <p>The caller states the whole desired {@link FirewallState}; the firewall validates it, then
 * changes the kernel in one transaction, so a refused or failed apply leaves every rule as it
 * was. A backend only ever touches its own tables or chains, never anyone else's.
 */
public interface Firewall extends AutoCloseable {

    /** The backend's name, "nftables" or "iptables". */
    String backend();

    /**
     * Makes the kernel's rules those of {@code desired}, in one atomic transaction.
     *
     * @throws FirewallException when {@code desired} is invalid for this host, or the backend
     *                           failed; either way nothing changed
     */
    void apply(FirewallState desired);

    /**
     * Publishes {@code mappings} on top of the current state: {@code apply(current().withPort(...))},
     * validated the same way, but at a cost that does not grow with the number of ports already
     * published (where the backend can: nftables adds map elements).
     */
    default void publish(PortMapping... mappings) {
        apply(current().withPort(mappings));
    }

    /** Removes every port mapping of {@code owner}: {@code apply(current().withoutPortsOf(owner))}, as cheaply as {@link #publish}. */
    default void unpublish(String owner) {
        apply(current().withoutPortsOf(owner));
    }

    /**
     * Adds service {@code rules}, or replaces the service of that id: {@code apply(current().withService(...))},
     * validated the same way, but touching only that service's rules where the backend can
     * (nftables: its chains and its elements), so the cost does not grow with the number of services.
     */
    default void applyService(ServiceRules rules) {
        apply(current().withService(rules));
    }

    /** Removes service {@code serviceId}'s rules: {@code apply(current().withoutService(serviceId))}, as cheaply as {@link #applyService}. */
    default void removeService(String serviceId) {
        apply(current().withoutService(serviceId));
    }

    /**
     * Makes the kernel hold exactly {@code state}, in one transaction, replacing whatever of
     * netmgr's rules is there (left by an earlier process, another process sharing the store, or a
     * crash), and makes it the current state. Unlike {@link #apply} it does not refuse host ports
     * that processes have bound: these mappings are netmgr's already, and a bound socket is shadowed.
     */
    void takeOver(FirewallState state);

    /** The state last applied ({@link FirewallState#EMPTY} at first). */
    FirewallState current();

    /** Removes every rule, chain and table of netmgr; the current state becomes empty. */
    void removeAll();

    /** Compares the kernel's rules with {@link #current()}, to detect rules removed by others. */
    Verification verify();

    /**
     * Whether the kernel holds, now, every rule that publishes {@code mappings}: read from the
     * kernel, not from what this process applied (another process sharing the store may have
     * published them). Each problem names the port; an empty list of mappings is intact.
     */
    Verification verifyPorts(java.util.List<PortMapping> mappings);

    /**
     * A number the kernel changes whenever anyone commits a change to the namespace's firewall
     * rules (nftables' ruleset generation), read without listing any rule; empty when the backend
     * has none. While it stays the same, {@link #verify()} would find what it found last time,
     * so a guard can skip it. Not synchronized with changes in progress: a cheap look from any thread.
     */
    default java.util.OptionalLong generation() {
        return java.util.OptionalLong.empty();
    }

    /** True when nothing is missing from what was applied. */
    default boolean isIntact() {
        return verify().intact();
    }

    /** Applies {@link #current()} again in full, replacing whatever is left of netmgr's rules. */
    void restore();

    /** Releases the backend's resources; the rules stay. */
    @Override
    void close();
}
