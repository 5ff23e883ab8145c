package io.netmgr.core.driver;

import java.util.Optional;
import java.util.Set;

/** The values global networks hold now in the cluster store, for a driver choosing a free one. */
public interface ClusterClaims {

    /** The values of {@code kind} held now. */
    Set<String> taken(String kind);

    /** The id of the network holding {@code value} of {@code kind}, if any. */
    Optional<String> holder(String kind, String value);
}
