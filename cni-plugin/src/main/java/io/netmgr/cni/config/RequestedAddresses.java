package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.cni.CniRequest;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The addresses and MAC a runtime asks for, from every place CONVENTIONS.md allows: the
 * {@code ips}/{@code mac} capabilities ({@code runtimeConfig}), {@code args.cni} and
 * {@code CNI_ARGS} ({@code IP=}, {@code MAC=}); all have the same effect. Addresses from several
 * sources add up (the same one twice counts once), at most one per address family; for the MAC
 * the runtimeConfig wins over args.cni, which wins over CNI_ARGS. Checked against the
 * configuration's range sets before netmgr is opened, so a refusal changes nothing.
 */
public record RequestedAddresses(List<String> ips, Optional<String> mac) {

    public static RequestedAddresses of(NetConf conf, CniRequest request) {
        CniArgs env = CniArgs.parse(request.args());
        Map<String, String> sources = new LinkedHashMap<>();
        add(sources, conf.runtimeConfig().ips(), "runtimeConfig.ips");
        add(sources, conf.args().ips(), "args.cni.ips");
        add(sources, env.ips(), "CNI_ARGS IP");
        List<String> ips = new ArrayList<>(sources.keySet());
        for (IpFamily family : IpFamily.values()) {
            List<String> ofFamily = ips.stream().filter(ip -> IpAddress.parse(ip).family() == family).toList();
            if (ofFamily.size() > 1) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, "asked for " + ofFamily.size() + " " + family + " addresses ("
                        + String.join(", ", ofFamily.stream().map(ip -> ip + " from " + sources.get(ip)).toList())
                        + "); netmgr takes one requested address per address family");
            }
        }
        for (String ip : ips) {
            checkOffered(conf, IpAddress.parse(ip), sources.get(ip));
        }
        Optional<String> mac = conf.runtimeConfig().mac().or(() -> conf.args().mac()).or(env::mac);
        return new RequestedAddresses(ips, mac);
    }

    private static void add(Map<String, String> sources, List<String> ips, String source) {
        ips.forEach(ip -> sources.putIfAbsent(ip, source));
    }

    /** host-local's rule: a requested address must lie in a range set (when the configuration names any). */
    private static void checkOffered(NetConf conf, IpAddress ip, String source) {
        if (conf.ranges().isEmpty() || conf.ranges().stream().anyMatch(r -> r.offers(ip))) {
            return;
        }
        throw ConfObject.invalid(source + " " + ip + " is in no range of the configuration ("
                + String.join("; ", conf.ranges().stream().map(NetConf.Range::describe).toList()) + "); ask for an address inside one");
    }
}
