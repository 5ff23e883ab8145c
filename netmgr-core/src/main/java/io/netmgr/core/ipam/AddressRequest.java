package io.netmgr.core.ipam;

import io.netmgr.core.store.Lease;
import io.netmgr.netlink.addr.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A request for one address of a pool, on behalf of {@code owner} (an endpoint id, or a CNI
 * container id and interface): a preferred address, any free one, or the pool's gateway.
 *
 * <p>With a {@code lease} (an endpoint on a global network: its host's cluster lease) the address
 * is held only as long as the lease lives, so a dead host's addresses become free when its lease
 * expires. A preferred address its owner already holds is then put under that lease again: how a
 * host back after its lease expired re-claims what it still uses.
 */
public record AddressRequest(String owner, Optional<IpAddress> preferred, boolean gateway, Optional<Lease> lease) {

    public AddressRequest(String owner, Optional<IpAddress> preferred, boolean gateway) {
        this(owner, preferred, gateway, Optional.empty());
    }

    public AddressRequest {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(preferred, "preferred");
        Objects.requireNonNull(lease, "lease");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("an address request needs an owner (the endpoint id)");
        }
        // the gateway is settled with the pool, so there is nothing to prefer here
        if (gateway && preferred.isPresent()) {
            throw new IllegalArgumentException("a gateway request takes the pool's gateway; to choose " + preferred.get()
                    + ", give it as the pool's --gateway");
        }
    }

    /** This request, the address held under {@code lease} (none: held until released). */
    public AddressRequest heldUnder(Optional<Lease> lease) {
        return new AddressRequest(owner, preferred, gateway, lease);
    }

    /** Any free address of the pool's range. */
    public static AddressRequest any(String owner) {
        return new AddressRequest(owner, Optional.empty(), false);
    }

    /** {@code address}, which may lie outside the IP range but not outside the subnet. */
    public static AddressRequest preferred(String owner, IpAddress address) {
        return new AddressRequest(owner, Optional.of(address), false);
    }

    /** The pool's gateway, as a bridge driver asks for the address of its bridge. */
    public static AddressRequest gateway(String owner) {
        return new AddressRequest(owner, Optional.empty(), true);
    }
}
