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
 * @param numbers  the CNI keys whose value is a number, which a configuration may write as a JSON
 *                 number ({@code "vni": 4242}) as well as a string; the driver checks its range
 */
public record CniMapping(Map<String, String> keys, Map<String, String> defaults, Map<String, String> fixed,
                         java.util.Set<String> numbers) {
    public CniMapping {
        keys = Map.copyOf(keys);
        defaults = Map.copyOf(defaults);
        fixed = Map.copyOf(fixed);
        numbers = java.util.Set.copyOf(numbers);
    }

    /** A mapping whose keys all take strings (or true and false). */
    public CniMapping(Map<String, String> keys, Map<String, String> defaults, Map<String, String> fixed) {
        this(keys, defaults, fixed, java.util.Set.of());
    }

    /** The CNI key that sets {@code option}, or the option itself when no key does. */
    public String keyOf(String option) {
        return keys.entrySet().stream().filter(e -> e.getValue().equals(option)).map(Map.Entry::getKey).findFirst()
                .orElse(option);
    }
}
