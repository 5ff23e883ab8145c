package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.List;
import java.util.Objects;

/**
 * An IPAM request that cannot be served, with a {@link Reason} callers can map (to an HTTP status,
 * a CNI error code) and a message that names the value and what to change.
 *
 * <p>The static factories are the only place the messages are worded, so that every driver and
 * every validation says the same thing the same way.
 */
public final class IpamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        /** A subnet shares addresses with another network's pool. */
        POOL_OVERLAP,
        /** Every default pool is taken by a network or a host route. */
        NO_DEFAULT_POOL_LEFT,
        /** A subnet too small for a gateway and one endpoint. */
        SUBNET_TOO_SMALL,
        /** The IP range is not inside the subnet. */
        RANGE_OUTSIDE_SUBNET,
        /** The gateway is not inside the subnet. */
        GATEWAY_OUTSIDE_SUBNET,
        /** An auxiliary address is not inside the subnet. */
        AUXILIARY_OUTSIDE_SUBNET,
        /** The address is the subnet's network or broadcast address, which no one may hold. */
        RESERVED_ADDRESS,
        /** The address is held by an endpoint, the gateway or an auxiliary address. */
        ADDRESS_IN_USE,
        /** The address is not in the pool's subnet. */
        ADDRESS_OUTSIDE_POOL,
        /** Every address of the pool's range is held. */
        POOL_EXHAUSTED,
        /** No pool has this id. */
        UNKNOWN_POOL,
        /** Someone other than the address's holder tried to release it. */
        NOT_OWNER,
        /** The pool still has endpoint addresses, so it cannot be released. */
        POOL_IN_USE
    }

    private final Reason reason;

    private IpamException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    public static IpamException poolOverlap(IpPrefix requested, String otherOwner, IpPrefix other) {
        return new IpamException(Reason.POOL_OVERLAP, "pool " + requested + " overlaps with network " + otherOwner
                + "'s pool " + other + "; choose another --subnet");
    }

    public static IpamException noDefaultPoolLeft(IpFamily family) {
        return new IpamException(Reason.NO_DEFAULT_POOL_LEFT, "no default " + family + " pool left: each one is used by a"
                + " network or overlaps a route of this host; remove unused networks, or give a --subnet");
    }

    public static IpamException subnetTooSmall(IpPrefix subnet) {
        String largest = subnet.family() == IpFamily.V4 ? "/30" : "/126";
        return new IpamException(Reason.SUBNET_TOO_SMALL, "subnet " + subnet
                + " has no room for a gateway and an endpoint; choose a " + largest + " or larger --subnet");
    }

    public static IpamException noRoomForGateway(IpPrefix subnet) {
        return new IpamException(Reason.SUBNET_TOO_SMALL, "auxiliary addresses take every usable address of subnet " + subnet
                + ", leaving none for the gateway; give fewer --aux-address or a larger --subnet");
    }

    public static IpamException rangeOutsideSubnet(AddressRange range, IpPrefix subnet) {
        return new IpamException(Reason.RANGE_OUTSIDE_SUBNET, "ip range " + range + " is not inside subnet " + subnet
                + "; choose an --ip-range inside the subnet");
    }

    public static IpamException gatewayOutsideSubnet(IpAddress gateway, IpPrefix subnet) {
        return new IpamException(Reason.GATEWAY_OUTSIDE_SUBNET, "gateway " + gateway + " is outside subnet " + subnet
                + "; choose a --gateway inside the subnet, or omit it to use the first address");
    }

    public static IpamException auxiliaryOutsideSubnet(String name, IpAddress address, IpPrefix subnet) {
        return new IpamException(Reason.AUXILIARY_OUTSIDE_SUBNET, "auxiliary address " + name + "=" + address
                + " is outside subnet " + subnet + "; choose an --aux-address inside the subnet");
    }

    /**
     * {@code subject} (e.g. "gateway 10.1.0.0") is {@code role} ("network address", "broadcast
     * address") of {@code subnet}; the message gives the usable span {@code first}-{@code last}.
     */
    public static IpamException reservedAddress(String subject, String role, IpPrefix subnet, IpAddress first,
            IpAddress last) {
        return new IpamException(Reason.RESERVED_ADDRESS, subject + " is the " + role + " of " + subnet
                + "; choose an address from " + first + " to " + last);
    }

    /**
     * {@code subject} ("address 10.1.0.5", "auxiliary address db=10.1.0.5") is held by
     * {@code holder} ("endpoint X", "the gateway", "auxiliary address router").
     */
    public static IpamException addressInUse(String subject, String holder) {
        return new IpamException(Reason.ADDRESS_IN_USE, subject + " already in use by " + holder
                + "; choose another address");
    }

    public static IpamException addressOutsidePool(IpAddress address, IpPrefix subnet, String owner) {
        return new IpamException(Reason.ADDRESS_OUTSIDE_POOL, "address " + address + " is outside pool " + subnet
                + " of network " + owner + "; choose an address inside " + subnet);
    }

    public static IpamException addressOutsideRanges(IpAddress address, String ranges, String owner) {
        return new IpamException(Reason.ADDRESS_OUTSIDE_POOL, "address " + address + " is outside the address ranges " + ranges
                + " of network " + owner + "; choose an address inside them");
    }

    public static IpamException poolExhausted(String range, String owner) {
        return new IpamException(Reason.POOL_EXHAUSTED, "no available addresses in " + range + " of network " + owner
                + "; remove unused endpoints, or use a larger --subnet or --ip-range");
    }

    public static IpamException unknownPool(String poolId) {
        return new IpamException(Reason.UNKNOWN_POOL, "no address pool " + poolId
                + "; it was released or never requested: request the network's pool again");
    }

    /** {@code holder} (e.g. "endpoint X", "the gateway") holds {@code address}, not {@code requester}. */
    public static IpamException notOwner(IpAddress address, String holder, String requester) {
        return new IpamException(Reason.NOT_OWNER, "address " + address + " is held by " + holder + ", not by endpoint "
                + requester + "; only its holder releases it (gateway and auxiliary addresses go with the pool)");
    }

    /** {@code inUse} are a few of the held addresses, as "10.1.0.2 (endpoint X)"; {@code count} is all of them. */
    public static IpamException poolInUse(IpPrefix subnet, String owner, List<String> inUse, int count) {
        String shown = String.join(", ", inUse) + (count > inUse.size() ? " and " + (count - inUse.size()) + " more" : "");
        return new IpamException(Reason.POOL_IN_USE, "pool " + subnet + " of network " + owner + " still has " + count
                + (count == 1 ? " address" : " addresses") + " in use: " + shown + "; remove those endpoints first");
    }
}
