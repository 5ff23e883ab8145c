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

    /** The state last applied ({@link FirewallState#EMPTY} at first). */
    FirewallState current();

    /** Removes every rule, chain and table of netmgr; the current state becomes empty. */
    void removeAll();

    /** Compares the kernel's rules with {@link #current()}, to detect rules removed by others. */
    Verification verify();

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
