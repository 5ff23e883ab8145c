package io.netmgr.cni;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One plugin invocation as the runtime made it: the {@code CNI_*} environment (plus netmgr's
 * own {@code NETMGR_*} knobs) and the network configuration read from stdin. Values are kept
 * as given; {@link CniHandler} validates them.
 */
public record CniRequest(Map<String, String> env, String stdin) {

    public CniRequest {
        env = Map.copyOf(env);
        stdin = stdin == null ? "" : stdin;
    }

    /** The variables of {@code environment} that matter to a plugin: CNI_* and NETMGR_*. */
    public static CniRequest fromEnvironment(Map<String, String> environment, String stdin) {
        Map<String, String> kept = new TreeMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("CNI_") || k.startsWith("NETMGR_")) {
                kept.put(k, v);
            }
        });
        return new CniRequest(kept, stdin);
    }

    public Optional<String> get(String variable) {
        return Optional.ofNullable(env.get(variable)).filter(v -> !v.isEmpty());
    }

    public String command() {
        return env.getOrDefault("CNI_COMMAND", "");
    }

    public Optional<String> containerId() {
        return get("CNI_CONTAINERID");
    }

    public Optional<String> netns() {
        return get("CNI_NETNS");
    }

    public Optional<String> ifName() {
        return get("CNI_IFNAME");
    }

    public Optional<String> args() {
        return get("CNI_ARGS");
    }
}
