package io.netmgr.ipam;

import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.netlink.addr.IpAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a pool should look like after a sequence of requests and releases, worked out the slow
 * and obvious way: a sorted map of holders and a list of every address that may be handed out.
 */
final class AllocationModel {

    final Pool pool;
    final IpamConfig config;
    /** Holder values as stored: endpoint:<id>, gateway, aux:<name>. */
    final TreeMap<IpAddress, String> holders = new TreeMap<>();
    /** Every address a request without preference may get, in order. */
    final List<IpAddress> candidates = new ArrayList<>();
    private Optional<IpAddress> last = Optional.empty();

    AllocationModel(Pool pool) {
        this.pool = pool;
        this.config = pool.config();
        holders.put(pool.gateway(), "gateway");
        config.auxiliaryAddresses().forEach((name, address) -> holders.put(address, "aux:" + name));
        for (AddressRange range : config.allocationRanges()) {
            for (IpAddress a = range.first(); ; a = a.next()) {
                if (config.isUsable(a) && !holders.containsKey(a)) {
                    candidates.add(a);
                }
                if (a.equals(range.last())) {
                    break;
                }
            }
        }
    }

    /** The first free candidate after the last address handed out without preference, wrapping around. */
    Optional<IpAddress> expectedNext() {
        Optional<IpAddress> ahead = candidates.stream()
                .filter(a -> last.map(l -> a.compareTo(l) > 0).orElse(true))
                .filter(a -> !holders.containsKey(a))
                .findFirst();
        return ahead.or(() -> candidates.stream().filter(a -> !holders.containsKey(a)).findFirst());
    }

    void handedOut(IpAddress address, String owner) {
        holders.put(address, "endpoint:" + owner);
        last = Optional.of(address);
    }

    void preferred(IpAddress address, String owner) {
        holders.put(address, "endpoint:" + owner);
    }

    void released(IpAddress address) {
        holders.remove(address);
    }

    /** The subnet's network address plus {@code offset}, which may fall outside the subnet. */
    IpAddress at(int offset) {
        return IpAddress.of(config.family(), config.subnet().network().toBigInteger().add(BigInteger.valueOf(offset)));
    }

    /** Endpoint addresses, in address order. */
    List<Map.Entry<IpAddress, String>> endpoints() {
        return holders.entrySet().stream().filter(e -> e.getValue().startsWith("endpoint:")).toList();
    }
}
