package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.netlink.addr.IpAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code CNI_ARGS} variable, {@code KEY=VALUE} pairs joined by {@code ;} (CONVENTIONS.md):
 * netmgr reads {@code IP} (addresses, comma-separated), {@code MAC} and {@code NETMGR_SERVICE} (the
 * service the container becomes a backend of). As the reference plugins
 * do, any other key is refused unless {@code IgnoreUnknown} is {@code 1} or {@code true}
 * (Kubernetes runtimes send {@code IgnoreUnknown=1;K8S_POD_NAME=...}).
 */
public record CniArgs(List<IpAddress> ips, Optional<String> mac, Optional<String> service) {
    static final CniArgs NONE = new CniArgs(List.of(), Optional.empty(), Optional.empty());
    private static final Set<String> KNOWN = Set.of("IP", "MAC", "NETMGR_SERVICE", "IgnoreUnknown");

    /** Reads the variable; a malformed pair or an unknown key (without IgnoreUnknown) is refused with code 4. */
    public static CniArgs parse(Optional<String> variable) {
        if (variable.isEmpty()) {
            return NONE;
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : variable.get().split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid("\"" + pair + "\" is not KEY=VALUE");
            }
            pairs.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        String ignore = pairs.getOrDefault("IgnoreUnknown", "");
        if (!ignore.equals("1") && !ignore.equalsIgnoreCase("true")) {
            pairs.keySet().stream().filter(k -> !KNOWN.contains(k)).findFirst().ifPresent(k -> {
                throw invalid("unknown key " + k + "; netmgr reads IP, MAC and NETMGR_SERVICE (add IgnoreUnknown=1 to pass others)");
            });
        }
        List<IpAddress> ips = Optional.ofNullable(pairs.get("IP")).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).filter(v -> !v.isEmpty())
                .map(v -> address(v.contains("/") ? v.substring(0, v.indexOf('/')) : v)).toList();
        return new CniArgs(ips, Optional.ofNullable(pairs.get("MAC")).filter(m -> !m.isEmpty()),
                Optional.ofNullable(pairs.get("NETMGR_SERVICE")).filter(v -> !v.isEmpty()));
    }

    private static IpAddress address(String text) {
        try {
            return IpAddress.parse(text, "CNI_ARGS IP");
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static CniError invalid(String what) {
        return new CniError(CniError.INVALID_ENVIRONMENT, "CNI_ARGS: " + what);
    }
}
