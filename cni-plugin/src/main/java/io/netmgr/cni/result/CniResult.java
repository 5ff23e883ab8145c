package io.netmgr.cni.result;

import io.netmgr.cni.CniVersion;
import io.netmgr.cni.config.ConfObject;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin result, independent of the spec version it is rendered in: interfaces, IPs (each
 * pointing at an interface by index), routes and DNS. Read from any supported version (a
 * {@code prevResult}) and written in the version the configuration asks for.
 */
public record CniResult(List<Interface> interfaces, List<Ip> ips, List<Route> routes, Map<String, Object> dns) {

    /** One interface; {@code sandbox} is the netns path for container-side interfaces. */
    public record Interface(String name, String mac, Optional<String> sandbox, Optional<Long> mtu) {
    }

    /** An address in CIDR form, its gateway, and the index of its interface in {@code interfaces}. */
    public record Ip(IpNet address, Optional<IpAddress> gateway, Optional<Integer> interfaceIndex) {
    }

    /** A route the container should have; no gateway means the default one of the interface. */
    public record Route(String dst, Optional<String> gw) {
    }

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        dns = dns == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dns));
    }

    public static CniResult empty() {
        return new CniResult(List.of(), List.of(), List.of(), Map.of());
    }

    /**
     * This result placed after {@code previous}: the previous interfaces come first, so ours
     * (and our IPs' interface indexes) shift by their count; DNS: ours when we have any.
     */
    public CniResult after(CniResult previous) {
        int shift = previous.interfaces.size();
        List<Interface> ifs = new ArrayList<>(previous.interfaces);
        ifs.addAll(interfaces);
        List<Ip> all = new ArrayList<>(previous.ips);
        for (Ip ip : ips) {
            all.add(new Ip(ip.address(), ip.gateway(), ip.interfaceIndex().map(i -> i + shift)));
        }
        List<Route> rs = new ArrayList<>(previous.routes);
        rs.addAll(routes);
        return new CniResult(ifs, all, rs, dns.isEmpty() ? previous.dns : dns);
    }

    // ---- rendering

    /** The result object of spec version {@code version}. */
    public Map<String, Object> toJson(String version) {
        boolean ipVersionField = CniVersion.ipsCarryVersion(version);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cniVersion", version);
        if (!interfaces.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Interface i : interfaces) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", i.name());
                if (i.mac() != null && !i.mac().isEmpty()) {
                    o.put("mac", i.mac());
                }
                // 1.0.0 added mtu to interfaces; older readers would not expect it
                i.mtu().filter(x -> !ipVersionField).ifPresent(x -> o.put("mtu", x));
                i.sandbox().ifPresent(s -> o.put("sandbox", s));
                list.add(o);
            }
            m.put("interfaces", list);
        }
        if (!ips.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Ip ip : ips) {
                Map<String, Object> o = new LinkedHashMap<>();
                if (ipVersionField) {
                    o.put("version", ip.address().isIpv6() ? "6" : "4");
                }
                ip.interfaceIndex().ifPresent(i -> o.put("interface", (long) i));
                o.put("address", ip.address().toString());
                ip.gateway().ifPresent(g -> o.put("gateway", g.toString()));
                list.add(o);
            }
            m.put("ips", list);
        }
        if (!routes.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Route r : routes) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("dst", r.dst());
                r.gw().ifPresent(g -> o.put("gw", g));
                list.add(o);
            }
            m.put("routes", list);
        }
        if (!dns.isEmpty()) {
            m.put("dns", dns);
        }
        return m;
    }

    // ---- reading

    /** A result of any supported version (the {@code version} field of 0.x IPs is ignored: the address says it). */
    public static CniResult parse(String path, Object json) {
        ConfObject o = ConfObject.asObject(path, json);
        List<Interface> ifs = new ArrayList<>();
        List<Object> ifList = o.array("interfaces");
        for (int i = 0; i < ifList.size(); i++) {
            ConfObject x = ConfObject.asObject(o.field("interfaces") + "[" + i + "]", ifList.get(i));
            ifs.add(new Interface(x.requiredString("name"), x.string("mac").orElse(""), x.string("sandbox"), x.number("mtu")));
        }
        List<Ip> ips = new ArrayList<>();
        List<Object> ipList = o.array("ips");
        for (int i = 0; i < ipList.size(); i++) {
            ConfObject x = ConfObject.asObject(o.field("ips") + "[" + i + "]", ipList.get(i));
            Optional<Long> index = x.number("interface");
            if (index.isPresent() && (index.get() < 0 || index.get() >= ifs.size())) {
                throw ConfObject.invalid(x.field("interface") + " " + index.get() + " names no interface: " + o.field("interfaces")
                        + " has " + ifs.size() + (ifs.isEmpty() ? "" : ", numbered from 0"));
            }
            ips.add(new Ip(x.requiredInterfaceAddress("address"), x.address("gateway"), index.map(Long::intValue)));
        }
        List<Route> routes = new ArrayList<>();
        List<Object> routeList = o.array("routes");
        for (int i = 0; i < routeList.size(); i++) {
            ConfObject x = ConfObject.asObject(o.field("routes") + "[" + i + "]", routeList.get(i));
            x.requiredPrefix("dst"); // checked here; another plugin's route is passed on as written
            x.address("gw");
            routes.add(new Route(x.requiredString("dst"), x.string("gw")));
        }
        Map<String, Object> dns = o.object("dns").map(ConfObject::fields).orElse(Map.of());
        return new CniResult(ifs, ips, routes, dns);
    }
}
