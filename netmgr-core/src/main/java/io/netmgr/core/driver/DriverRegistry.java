package io.netmgr.core.driver;

import io.netmgr.core.NetmgrException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The drivers a controller can use: registered explicitly, or found on the class path. */
public final class DriverRegistry {
    private final Map<String, NetworkDriver> drivers = new ConcurrentHashMap<>();

    /** A registry holding every {@link NetworkDriver} the ServiceLoader finds. */
    public static DriverRegistry fromClassPath() {
        DriverRegistry r = new DriverRegistry();
        ServiceLoader.load(NetworkDriver.class).forEach(r::register);
        return r;
    }

    public DriverRegistry register(NetworkDriver driver) {
        drivers.put(driver.name(), driver);
        return this;
    }

    public NetworkDriver get(String name) {
        NetworkDriver d = drivers.get(name);
        if (d == null) {
            throw NetmgrException.invalid("unknown network driver \"" + name + "\"; available: "
                    + String.join(", ", new TreeMap<>(drivers).keySet()));
        }
        return d;
    }

    /** Every registered driver. */
    public java.util.Collection<NetworkDriver> all() {
        return java.util.List.copyOf(drivers.values());
    }

    public boolean has(String name) {
        return drivers.containsKey(name);
    }
}
