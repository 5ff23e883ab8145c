package io.netmgr.core.driver;

import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpPrefix;
import java.util.Optional;

/**
 * A route a driver wants in the sandbox beyond the default ones (libnetwork's
 * JoinInfo.AddStaticRoute): to {@code destination}, through {@code nextHop} or, when empty,
 * directly on the endpoint's interface.
 */
public record StaticRoute(IpPrefix destination, Optional<IpAddress> nextHop) {
}
