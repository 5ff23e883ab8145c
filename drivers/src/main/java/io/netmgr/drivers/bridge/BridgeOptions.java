package io.netmgr.drivers.bridge;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.rt.LinkCodec;
import java.util.List;
import java.util.Optional;

/**
 * A bridge network's driver options, read and checked once. Each has netmgr's short name and
 * Docker's long one, so {@code docker network create -o com.docker.network.bridge.enable_icc=false}
 * means what it means to Docker:
 * <ul>
 *   <li>{@code bridge.name} / {@code com.docker.network.bridge.name}: default {@code nm-<id12>};</li>
 *   <li>{@code mtu} / {@code com.docker.network.driver.mtu}: of the bridge and its veths;</li>
 *   <li>{@code masquerade} / {@code com.docker.network.bridge.enable_ip_masquerade}: default true;</li>
 *   <li>{@code icc} / {@code com.docker.network.bridge.enable_icc}: containers talk to each other, default true;</li>
 *   <li>{@code hairpin}: a container reaches published ports (its own too) through a host
 *   address, default true: with no proxy process, hairpin mode on the port is what makes it work;</li>
 *   <li>{@code bridge.gateway}: the bridge holds the gateway addresses and containers route through
 *   them, default true; false makes the bridge a plain switch with no address, whose containers get
 *   no default route from netmgr (CNI's {@code isGateway: false}; Docker has no such option).</li>
 * </ul>
 */
record BridgeOptions(String bridgeName, int mtu, boolean masquerade, boolean icc, boolean hairpin, boolean gateway) {
    static final List<String> NAME = List.of("bridge.name", "com.docker.network.bridge.name");
    static final List<String> MTU = List.of("mtu", "com.docker.network.driver.mtu");
    static final List<String> MASQUERADE = List.of("masquerade", "com.docker.network.bridge.enable_ip_masquerade");
    static final List<String> ICC = List.of("icc", "com.docker.network.bridge.enable_icc");
    static final List<String> HAIRPIN = List.of("hairpin");
    static final List<String> GATEWAY = List.of(BridgeDriver.GATEWAY_OPTION);

    /** The options of {@code network}; a malformed one is an error naming it and its value. */
    static BridgeOptions of(Network network) {
        String name = option(network, NAME).orElse("nm-" + Ids.shortId(network.id()));
        try {
            LinkCodec.validateName(name);
        } catch (IllegalArgumentException e) {
            throw NetmgrException.invalid("option " + NAME.get(0) + ": " + e.getMessage());
        }
        return new BridgeOptions(name, mtu(network), flag(network, MASQUERADE, true), flag(network, ICC, true),
                flag(network, HAIRPIN, true), flag(network, GATEWAY, true));
    }

    private static Optional<String> option(Network network, List<String> names) {
        return names.stream().map(network::option).flatMap(Optional::stream).findFirst();
    }

    private static int mtu(Network network) {
        String text = option(network, MTU).orElse("0");
        try {
            int mtu = Integer.parseInt(text);
            if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
                throw new NumberFormatException();
            }
            return mtu;
        } catch (NumberFormatException e) {
            throw NetmgrException.invalid("option " + MTU.get(0) + "=" + text + " of network " + network.name()
                    + ": give a number from 68 to 65535");
        }
    }

    private static boolean flag(Network network, List<String> names, boolean byDefault) {
        Optional<String> text = option(network, names);
        if (text.isEmpty()) {
            return byDefault;
        }
        switch (text.get().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw NetmgrException.invalid("option " + names.get(0) + "=" + text.get() + " of network "
                        + network.name() + ": give true or false");
        }
    }
}
