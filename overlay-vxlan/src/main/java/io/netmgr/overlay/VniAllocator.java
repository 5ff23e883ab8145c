package io.netmgr.overlay;

import java.util.OptionalInt;
import java.util.Set;

/**
 * Chooses a free VNI for an overlay network that did not name one: the lowest from
 * {@value #FIRST} up (Docker's overlay starts there, leaving the low ones to users who pick
 * their own) that no network holds, then the ones below. The choice is made safe across hosts by
 * the claim the controller writes in the network's creating transaction, which fails when
 * another host claimed the same VNI first; the creation is then refused and may be tried again.
 */
final class VniAllocator {
    static final String KIND = "vni";
    static final int FIRST = 4096;

    private VniAllocator() {
    }

    /** The VNI to use, or empty when all 16777215 are taken. */
    static OptionalInt choose(Set<String> taken) {
        for (int vni = FIRST; vni <= OverlayOptions.MAX_VNI; vni++) {
            if (!taken.contains(Integer.toString(vni))) {
                return OptionalInt.of(vni);
            }
        }
        for (int vni = 1; vni < FIRST; vni++) {
            if (!taken.contains(Integer.toString(vni))) {
                return OptionalInt.of(vni);
            }
        }
        return OptionalInt.empty();
    }
}
