package io.netmgr.core.network;

/**
 * Which networks give their containers name resolution, and where they ask: as in Docker, only
 * user-defined networks (not the predefined bridge, host or none), through the resolver netmgrd
 * runs on 127.0.0.11 inside each such container's sandbox.
 */
public final class NameResolution {
    /** Docker's address for the embedded resolver: on every sandbox's loopback, so no route or gateway is needed. */
    public static final String RESOLVER_ADDRESS = "127.0.0.11";

    private NameResolution() {
    }

    /**
     * The label a network made by dockerd through netmgr's plugin carries (dockerd's network ID).
     * dockerd runs its own resolver on 127.0.0.11 in its containers and knows their names and
     * aliases, which its plugin protocol never tells a driver: a second resolver of ours in the
     * same namespace could only answer worse, so those networks are dockerd's to serve.
     */
    public static final String DOCKERD_NETWORK_LABEL = "com.docker.network.id";

    /** Whether containers on {@code n} resolve each other's names (and get the resolver). */
    public static boolean servedOn(Network n) {
        return !n.predefined() && !n.driver().equals("host") && !n.driver().equals("none")
                && !n.labels().containsKey(DOCKERD_NETWORK_LABEL);
    }
}
