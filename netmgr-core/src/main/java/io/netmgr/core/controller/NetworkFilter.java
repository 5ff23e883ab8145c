package io.netmgr.core.controller;

import io.netmgr.core.network.Network;
import java.util.Optional;

/**
 * Which networks to list, like {@code docker network ls --filter}: name (substring), ID prefix,
 * driver, and label ({@code key} or {@code key=value}). Empty fields match everything.
 */
public record NetworkFilter(Optional<String> name, Optional<String> idPrefix, Optional<String> driver,
                            Optional<String> label) {
    public static final NetworkFilter ALL = new NetworkFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public NetworkFilter withName(String n) {
        return new NetworkFilter(Optional.of(n), idPrefix, driver, label);
    }

    public NetworkFilter withIdPrefix(String p) {
        return new NetworkFilter(name, Optional.of(p), driver, label);
    }

    public NetworkFilter withDriver(String d) {
        return new NetworkFilter(name, idPrefix, Optional.of(d), label);
    }

    public NetworkFilter withLabel(String l) {
        return new NetworkFilter(name, idPrefix, driver, Optional.of(l));
    }

    boolean matches(Network n) {
        return name.map(s -> n.name().contains(s)).orElse(true)
                && idPrefix.map(p -> n.id().startsWith(p)).orElse(true)
                && driver.map(d -> n.driver().equals(d)).orElse(true)
                && label.map(l -> hasLabel(n, l)).orElse(true);
    }

    private static boolean hasLabel(Network n, String label) {
        int eq = label.indexOf('=');
        if (eq < 0) {
            return n.labels().containsKey(label);
        }
        return label.substring(eq + 1).equals(n.labels().get(label.substring(0, eq)));
    }
}
