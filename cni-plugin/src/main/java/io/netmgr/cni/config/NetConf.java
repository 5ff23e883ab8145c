package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.cni.CniRequest;
import io.netmgr.cni.CniVersion;
import io.netmgr.cni.Json;
import io.netmgr.cni.result.CniResult;
import io.netmgr.core.driver.CniMapping;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Bandwidth;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.ipam.AddressRange;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The network configuration a runtime gives netmgr-cni on stdin, checked: everything a command
 * needs, or a {@link CniError} naming the field before anything is changed.
 *
 * <p>{@code name} is the netmgr network the configuration stands for, made on first use; a
 * {@code network} key names another (a cluster-wide {@code "driver": "overlay"} network that
 * every node's configuration shares, whatever each calls its configuration).
 *
 * <p>Addressing comes from {@code subnet}/{@code gateway}, a top-level {@code ranges}, or an
 * {@code ipam} section shaped like host-local's ({@code subnet}, {@code ranges}, {@code routes});
 * {@code runtimeConfig.ipRanges} replaces the ranges when the runtime sends them.
 */
public record NetConf(String cniVersion, String name, String driver, Map<String, String> driverKeys, List<Range> ranges,
                      List<EndpointRoute> routes, int mtu, Optional<Map<String, Object>> dns, Optional<String> stateDir,
                      Optional<String> daemonSocket, Optional<String> firewall, RuntimeConfig runtimeConfig, CniArgsField args,
                      Optional<CniResult> prevResult, Optional<List<AttachmentId>> validAttachments) {

    /**
     * One range set: a subnet to hand one address out of, only from {@code addressRanges} when
     * given (host-local's rangeStart/rangeEnd); without a gateway, its first address is the gateway.
     */
    public record Range(IpPrefix subnet, Optional<IpAddress> gateway, List<AddressRange> addressRanges) {
        public Range {
            addressRanges = List.copyOf(addressRanges);
        }

        /** Whether a container may hold {@code address} from this set. */
        boolean offers(IpAddress address) {
            return subnet.contains(address) && (addressRanges.isEmpty() || addressRanges.stream().anyMatch(r -> r.contains(address)));
        }

        public String describe() {
            return addressRanges.isEmpty() ? subnet.toString()
                    : String.join(",", addressRanges.stream().map(AddressRange::toString).toList()) + " of " + subnet;
        }
    }

    /** CONVENTIONS.md's {@code args.cni}: addresses and a MAC the configuration asks for, and the service to join. */
    public record CniArgsField(List<IpAddress> ips, Optional<String> mac, Optional<String> service) {
        static final CniArgsField NONE = new CniArgsField(List.of(), Optional.empty(), Optional.empty());
    }

    /** {@code cni.dev/valid-attachments} entry of a GC. */
    public record AttachmentId(String containerId, String ifName) {
    }

    /** What the runtime passes through {@code runtimeConfig} for the capabilities netmgr has. */
    public record RuntimeConfig(List<PortMapping> portMappings, List<IpAddress> ips, Optional<String> mac,
                                Optional<Map<String, Object>> dns, Bandwidth bandwidth) {
        static final RuntimeConfig NONE = new RuntimeConfig(List.of(), List.of(), Optional.empty(), Optional.empty(),
                Bandwidth.NONE);
    }

    /** A {@code portMappings} entry: {@code hostIP}:{@code hostPort} to {@code containerPort}. */
    public record PortMapping(int hostPort, int containerPort, String protocol, Optional<String> hostIp) {
    }

    /** Reads and checks {@code stdin}; throws {@link CniError} (codes 1, 2, 6 or 7). */
    public static NetConf parse(String stdin) {
        Map<String, Object> json;
        try {
            json = Json.parseObject(stdin);
        } catch (IllegalArgumentException e) {
            throw new CniError(CniError.DECODING_FAILURE, "network configuration is not valid JSON: " + e.getMessage());
        }
        ConfObject c = ConfObject.root(json);
        String version = c.requiredString("cniVersion");
        if (!CniVersion.isSupported(version)) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "cniVersion " + version + " is not supported; netmgr-cni supports "
                    + String.join(", ", CniVersion.SUPPORTED));
        }
        String confName = c.requiredString("name");
        if (!confName.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}")) {
            throw ConfObject.invalid("name \"" + confName + "\" is not a valid network name: use 1 to 64 letters, digits, '_', '.' or '-'");
        }
        // "network" names the netmgr network apart from the configuration: a cluster-wide overlay several nodes' configurations share
        String name = c.string("network").orElse(confName);
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}")) {
            throw ConfObject.invalid("network \"" + name + "\" is not a valid network name: use 1 to 64 letters, digits, '_', '.' or '-'");
        }
        c.requiredString("type"); // the runtime found this plugin by it: a configuration without it is not one
        c.object("capabilities");
        String driver = c.string("driver").orElse(CniDrivers.defaultName());
        Map<String, String> driverKeys = driverKeys(c, driver);
        long mtu = c.number("mtu").orElse(0L);
        if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
            throw ConfObject.invalid("mtu " + mtu + " is out of range: give 68 to 65535");
        }
        Optional<ConfObject> ipam = c.object("ipam");
        if (ipam.isPresent()) {
            Optional<String> type = ipam.get().string("type");
            if (type.isPresent() && !type.get().equals("host-local") && !type.get().equals("netmgr")) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, "ipam.type " + type.get() + " is not supported: netmgr assigns "
                        + "addresses itself from a host-local-shaped ipam section (subnet, ranges, routes)");
            }
        }
        c.string("firewall").ifPresent(NetConf::checkFirewall);
        RuntimeConfig runtime = c.object("runtimeConfig").map(NetConf::runtimeConfig).orElse(RuntimeConfig.NONE);
        if (!runtime.bandwidth().isEmpty() && !CniDrivers.get(driver).capability().shapesTraffic()) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "runtimeConfig.bandwidth works on a driver that can shape traffic ("
                    + String.join(", ", shapingDrivers()) + "), not " + driver + ": it makes no host-side interface where traffic"
                    + " into the container could be shaped; drop the bandwidth capability from this network");
        }
        CniArgsField args = c.object("args").flatMap(a -> a.object("cni")).map(NetConf::argsCni).orElse(CniArgsField.NONE);
        List<Range> ranges = ranges(c, ipam, runtime, c.object("runtimeConfig"));
        List<EndpointRoute> routes = new ArrayList<>();
        List<Object> routeList = ipam.map(i -> i.array("routes")).orElse(List.of());
        String routesPath = ipam.map(i -> i.field("routes")).orElse("ipam.routes");
        for (int i = 0; i < routeList.size(); i++) {
            ConfObject r = ConfObject.asObject(routesPath + "[" + i + "]", routeList.get(i));
            IpPrefix dst = r.requiredPrefix("dst");
            Optional<IpAddress> gw = r.address("gw");
            if (gw.isPresent() && gw.get().family() != dst.family()) {
                throw ConfObject.invalid(r.field("gw") + " " + gw.get() + " is not of the family of " + r.field("dst") + " " + dst);
            }
            routes.add(new EndpointRoute(dst, gw.orElse(null)));
        }
        Optional<CniResult> prev = c.has("prevResult") ? Optional.of(CniResult.parse("prevResult", json.get("prevResult")))
                : Optional.empty();
        return new NetConf(version, name, driver, driverKeys, ranges, routes, (int) mtu,
                c.object("dns").map(ConfObject::fields), c.string("stateDir"), c.string("daemonSocket"), c.string("firewall"), runtime,
                args, prev, validAttachments(c));
    }

    /** Checked here, not only where the in-process path opens it: the daemon's path must refuse it too. */
    private static void checkFirewall(String backend) {
        try {
            FirewallChoice.parse("the configuration's \"firewall\"", backend);
        } catch (IllegalArgumentException e) {
            throw ConfObject.invalid(e.getMessage());
        }
    }

    /**
     * The configuration's keys that set options of {@code driver} (as its {@link CniMapping} says),
     * by key, as text; a key only another driver takes, or a missing required one, is refused.
     */
    private static Map<String, String> driverKeys(ConfObject c, String driver) {
        NetworkDriver d = CniDrivers.get(driver);
        CniMapping mapping = d.cniMapping().orElseThrow();
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        for (String key : c.fields().keySet()) {
            if (mapping.keys().containsKey(key)) {
                c.scalar(key, mapping.numbers().contains(key)).ifPresent(v -> keys.put(key, v));
            } else if (!CniDrivers.othersTaking(key, driver).isEmpty()) {
                throw ConfObject.invalid(key + " applies to driver " + String.join(", ", CniDrivers.othersTaking(key, driver))
                        + " only, not " + driver + "; drop the field");
            }
        }
        for (String option : d.capability().requiredOptions()) {
            String key = mapping.keyOf(option);
            if (!keys.containsKey(key) || keys.get(key).isEmpty()) {
                throw ConfObject.invalid("driver " + driver + " needs \"" + key + "\" (its option " + option
                        + " of the network); add it to the configuration");
            }
        }
        return Map.copyOf(keys);
    }

    private static List<String> shapingDrivers() {
        return CniDrivers.names().stream().filter(n -> CniDrivers.get(n).capability().shapesTraffic()).toList();
    }

    /** The network options this configuration sets for its driver: CNI's defaults, then its own keys. */
    public Map<String, String> driverOptions() {
        CniMapping mapping = CniDrivers.mapping(driver);
        Map<String, String> options = new java.util.HashMap<>(mapping.defaults());
        driverKeys.forEach((key, value) -> options.put(mapping.keys().get(key), value));
        return options;
    }

    private static List<Range> ranges(ConfObject c, Optional<ConfObject> ipam, RuntimeConfig runtime, Optional<ConfObject> rc) {
        // the most specific source wins: the runtime's ipRanges, then ipam, then top level
        // a runtime with no ranges to give may send none or an empty list: the configuration's then
        if (rc.isPresent() && !rc.get().array("ipRanges").isEmpty()) {
            return RangeSets.parse(rc.get(), "ipRanges");
        }
        for (ConfObject o : ipam.isPresent() ? List.of(ipam.get(), c) : List.of(c)) {
            if (o.has("ranges")) {
                List<Range> ranges = RangeSets.parse(o, "ranges");
                if (ranges.isEmpty()) {
                    throw ConfObject.invalid(o.field("ranges") + " is empty; give at least one range set, such as "
                            + "[[{\"subnet\": \"10.22.0.0/16\"}]], or drop the field for a free default pool");
                }
                return ranges;
            }
            if (o.has("subnet")) {
                IpPrefix subnet = o.requiredPrefix("subnet");
                return List.of(new Range(subnet, gatewayIn(o, subnet), List.of()));
            }
        }
        return List.of(); // netmgr picks a free default pool
    }

    private static RuntimeConfig runtimeConfig(ConfObject rc) {
        List<PortMapping> ports = new ArrayList<>();
        List<Object> list = rc.array("portMappings");
        for (int i = 0; i < list.size(); i++) {
            ConfObject p = ConfObject.asObject(rc.field("portMappings") + "[" + i + "]", list.get(i));
            String protocol = p.string("protocol").orElse("tcp").toLowerCase(java.util.Locale.ROOT);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw ConfObject.invalid(p.field("protocol") + " \"" + protocol + "\": netmgr publishes tcp or udp ports");
            }
            ports.add(new PortMapping(port(p, "hostPort"), port(p, "containerPort"), protocol,
                    p.string("hostIP").filter(s -> !s.isEmpty()).map(h -> ConfObject.address(p.field("hostIP"), h).toString())));
        }
        return new RuntimeConfig(ports, ips(rc), rc.string("mac").filter(m -> !m.isEmpty()), rc.object("dns").map(ConfObject::fields),
                rc.object("bandwidth").map(BandwidthCapability::parse).orElse(Bandwidth.NONE));
    }

    private static CniArgsField argsCni(ConfObject cni) {
        return new CniArgsField(ips(cni), cni.string("mac").filter(m -> !m.isEmpty()),
                cni.string("service").filter(v -> !v.isEmpty()));
    }

    /** An {@code ips} array: addresses, with or without a prefix length (which netmgr takes from the subnet). */
    private static List<IpAddress> ips(ConfObject o) {
        List<IpAddress> ips = new ArrayList<>();
        List<Object> ipList = o.array("ips");
        for (int i = 0; i < ipList.size(); i++) {
            if (!(ipList.get(i) instanceof String s)) {
                throw ConfObject.invalid(o.field("ips") + "[" + i + "] must be a string such as \"10.1.0.5/24\"");
            }
            String bare = s.contains("/") ? s.substring(0, s.indexOf('/')) : s;
            ips.add(ConfObject.address(o.field("ips") + "[" + i + "]", bare));
        }
        return ips;
    }

    private static Optional<List<AttachmentId>> validAttachments(ConfObject c) {
        if (!c.has("cni.dev/valid-attachments")) {
            return Optional.empty();
        }
        List<AttachmentId> ids = new ArrayList<>();
        List<Object> list = c.array("cni.dev/valid-attachments");
        for (int i = 0; i < list.size(); i++) {
            ConfObject a = ConfObject.asObject("cni.dev/valid-attachments[" + i + "]", list.get(i));
            ids.add(new AttachmentId(a.requiredString("containerID"), a.requiredString("ifname")));
        }
        return Optional.of(ids);
    }

    private static int port(ConfObject p, String key) {
        long n = p.number(key).orElseThrow(() -> ConfObject.invalid(p.field(key) + " is missing"));
        if (n < 1 || n > 65535) {
            throw ConfObject.invalid(p.field(key) + " " + n + " is not a port (1-65535)");
        }
        return (int) n;
    }

    /** The {@code gateway} of {@code o}, if given, refused unless {@code subnet} holds it. */
    static Optional<IpAddress> gatewayIn(ConfObject o, IpPrefix subnet) {
        Optional<IpAddress> gateway = o.address("gateway");
        if (gateway.isPresent() && !subnet.contains(gateway.get())) {
            throw ConfObject.invalid(o.field("gateway") + " " + gateway.get() + " is outside " + o.field("subnet") + " " + subnet);
        }
        return gateway;
    }

    /** The state directory: {@code stateDir} of the configuration, else NETMGR_STATE_DIR, else /var/lib/netmgr. */
    public java.nio.file.Path stateDir(CniRequest request) {
        return java.nio.file.Path.of(stateDir.or(() -> request.get("NETMGR_STATE_DIR")).orElse("/var/lib/netmgr"));
    }

    /** DNS for the result: the runtime's, else the configuration's. */
    public Map<String, Object> resultDns() {
        return runtimeConfig.dns().or(() -> dns).orElse(Map.of());
    }
}
