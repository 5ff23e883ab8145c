package io.netmgr.core.driver;

import java.util.Map;

/**
 * How a CNI network configuration's own keys map onto a driver's options, so the CNI plugin
 * serves any driver that offers one without knowing drivers by name.
 *
 * @param keys     CNI key to option, e.g. {@code "master" -> "parent"}
 * @param defaults options set for a network made from a CNI configuration where CNI's
 *                 defaults differ from the driver's own (a bridge without masquerade)
 * @param fixed    the CNI keys an existing network must agree with (another value is refused
 *                 rather than silently served from the old network), each with the value it has
 *                 when the option is not set, or "" when that is not a fixed value (a generated name)
 */
public record CniMapping(Map<String, String> keys, Map<String, String> defaults, Map<String, String> fixed) {
    public CniMapping {
        keys = Map.copyOf(keys);
        defaults = Map.copyOf(defaults);
        fixed = Map.copyOf(fixed);
    }

    /** The CNI key that sets {@code option}, or the option itself when no key does. */
    public String keyOf(String option) {
        return keys.entrySet().stream().filter(e -> e.getValue().equals(option)).map(Map.Entry::getKey).findFirst()
                .orElse(option);
    }
}
