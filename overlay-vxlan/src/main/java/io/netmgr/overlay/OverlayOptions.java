package io.netmgr.overlay;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.network.Network;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An overlay network's options, read and checked once:
 * <ul>
 *   <li>{@code vxlan.id} (Docker's {@code com.docker.network.driver.overlay.vxlanid_list}, one
 *   value): the VNI, 1 to 16777215, unique in the cluster; a free one is chosen when absent;</li>
 *   <li>{@code vxlan.port}: the UDP port of the VXLAN traffic on the underlay, default 4789;</li>
 *   <li>{@code mtu} ({@code com.docker.network.driver.mtu}): of the bridge, VXLAN device and
 *   veths; default the underlay's MTU less the 50 bytes VXLAN adds.</li>
 * </ul>
 * {@code encrypted} is refused (these kernels have no ESP), and so is every other option,
 * naming it: a bridge or macvlan option on an overlay would otherwise be silently ignored.
 */
record OverlayOptions(Optional<Integer> vni, int port, int mtu) {
    static final String VNI = "vxlan.id";
    static final String DOCKER_VNI = "com.docker.network.driver.overlay.vxlanid_list";
    static final String PORT = "vxlan.port";
    static final String MTU = "mtu";
    static final String ENCRYPTED = "encrypted";
    static final String DOCKER_MTU = "com.docker.network.driver.mtu";
    static final int MAX_VNI = 0xffffff;
    /** The IANA port, Docker's and the kernel's default. */
    static final int DEFAULT_PORT = 4789;
    private static final List<String> KNOWN = List.of(VNI, DOCKER_VNI, PORT, MTU, DOCKER_MTU);

    /** The options of {@code network}; an unknown or malformed one is an error naming it. */
    static OverlayOptions of(Network network) {
        Map<String, String> options = network.options();
        for (String key : options.keySet()) {
            if (key.equals(ENCRYPTED) || key.equals("com.docker.network.driver.overlay.encrypted")) {
                throw NetmgrException.invalid("network " + network.name() + ": option " + key + " asks for an encrypted"
                        + " overlay, which needs IPsec (ESP) in the kernel, and this host's kernel has none; drop the option"
                        + " and encrypt in the application (TLS), or run on a kernel with ESP");
            }
            if (!KNOWN.contains(key)) {
                throw NetmgrException.invalid("network " + network.name() + ": driver overlay does not take option " + key
                        + (key.startsWith("bridge.") || key.startsWith("com.docker.network.bridge.") || key.equals("parent")
                        || key.equals("icc") || key.equals("hairpin") || key.equals("masquerade") || key.startsWith("macvlan")
                        ? " (an option of a local driver)" : "") + "; it takes " + VNI + ", " + PORT + " and " + MTU);
            }
        }
        sameValue(network, VNI, DOCKER_VNI);
        sameValue(network, MTU, DOCKER_MTU);
        Optional<Integer> vni = first(options, VNI, DOCKER_VNI).map(text -> number(network, VNI, text, 1, MAX_VNI));
        int port = first(options, PORT).map(text -> number(network, PORT, text, 1, 65535)).orElse(DEFAULT_PORT);
        int mtu = first(options, MTU, DOCKER_MTU).map(text -> number(network, MTU, text, 68, 65535)).orElse(0);
        return new OverlayOptions(vni, port, mtu);
    }

    /** Refuses two spellings of one option with different values: which one to obey would be a guess. */
    private static void sameValue(Network network, String ours, String dockers) {
        String a = network.options().get(ours);
        String b = network.options().get(dockers);
        if (a != null && b != null && !a.trim().equals(b.trim())) {
            throw NetmgrException.invalid("network " + network.name() + ": options " + ours + "=" + a + " and " + dockers + "=" + b
                    + " name the same setting with different values; give one of them");
        }
    }

    private static Optional<String> first(Map<String, String> options, String... keys) {
        for (String key : keys) {
            if (options.containsKey(key)) {
                return Optional.of(options.get(key).trim());
            }
        }
        return Optional.empty();
    }

    private static int number(Network network, String option, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw NetmgrException.invalid("network " + network.name() + ": option " + option + "=" + text
                + " is not valid; give a number from " + min + " to " + max);
    }
}
