package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.core.driver.CniMapping;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.network.NetworkConfig;
import java.util.List;
import java.util.Optional;

/**
 * The drivers a CNI configuration may name: those on the class path that offer a
 * {@link CniMapping}. The plugin asks them (capability, CNI keys) instead of knowing any by name.
 */
public final class CniDrivers {
    private static final DriverRegistry ALL = DriverRegistry.fromClassPath();

    private CniDrivers() {
    }

    /** The driver a configuration without {@code driver} gets: the model's default, as in Docker. */
    public static String defaultName() {
        return NetworkConfig.DEFAULT_DRIVER;
    }

    /** {@code name}'s driver, if it serves CNI. */
    public static Optional<NetworkDriver> find(String name) {
        return ALL.has(name) ? Optional.of(ALL.get(name)).filter(d -> d.cniMapping().isPresent()) : Optional.empty();
    }

    public static NetworkDriver get(String name) {
        return find(name).orElseThrow(() -> new CniError(CniError.UNSUPPORTED_FIELD, "driver \"" + name
                + "\" is not supported; use " + String.join(" or ", names())));
    }

    public static CniMapping mapping(String name) {
        return get(name).cniMapping().orElseThrow();
    }

    /** The drivers serving CNI, by name. */
    public static List<String> names() {
        return ALL.all().stream().filter(d -> d.cniMapping().isPresent()).map(NetworkDriver::name).sorted().toList();
    }

    /** The drivers other than {@code driver} whose CNI keys include {@code key}. */
    public static List<String> othersTaking(String key, String driver) {
        return ALL.all().stream().filter(d -> !d.name().equals(driver))
                .filter(d -> d.cniMapping().filter(m -> m.keys().containsKey(key)).isPresent())
                .map(NetworkDriver::name).sorted().toList();
    }
}
