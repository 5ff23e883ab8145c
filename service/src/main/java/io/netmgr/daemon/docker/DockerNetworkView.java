package io.netmgr.daemon.docker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A network in the shape of Docker's {@code network inspect} ({@code api/types/network.Inspect}). */
final class DockerNetworkView {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DockerNetworkView() {
    }

    /**
     * {@code n} with its {@code Containers}: the endpoints of {@code endpoints} joined to a
     * sandbox, keyed by the sandbox's id (netmgr's sandbox plays Docker's container).
     */
    static ObjectNode of(Network n, List<Endpoint> endpoints, Map<String, Sandbox> sandboxes) {
        ObjectNode o = JSON.objectNode();
        o.put("Name", n.name());
        o.put("Id", n.id());
        o.put("Created", n.created());
        o.put("Scope", "local");
        o.put("Driver", n.driver());
        o.put("EnableIPv4", true);
        o.put("EnableIPv6", n.enableIpv6());
        ObjectNode ipam = o.putObject("IPAM");
        ipam.put("Driver", "default");
        if (n.predefined()) {
            ipam.putNull("Options");
        } else {
            ipam.putObject("Options"); // what dockerd keeps from the docker CLI's create: an empty map
        }
        var config = ipam.putArray("Config");
        // dockerd lists the IPv4 pools first
        n.pools().stream().sorted(Comparator.comparing(p -> p.subnet().contains(":"))).forEach(p -> config.add(pool(p)));
        o.put("Internal", n.internal());
        o.put("Attachable", n.attachable());
        o.put("Ingress", false);
        o.putObject("ConfigFrom").put("Network", "");
        o.put("ConfigOnly", false);
        ObjectNode containers = o.putObject("Containers");
        for (Endpoint e : endpoints) {
            Sandbox s = e.sandboxId() == null ? null : sandboxes.get(e.sandboxId());
            if (s == null || !e.networkId().equals(n.id())) {
                continue;
            }
            containers.putObject(s.id()).put("Name", s.name()).put("EndpointID", e.id()).put("MacAddress", e.mac())
                    .put("IPv4Address", address(e, false)).put("IPv6Address", address(e, true));
        }
        ObjectNode options = o.putObject("Options");
        n.options().forEach(options::put);
        ObjectNode labels = o.putObject("Labels");
        n.labels().forEach(labels::put);
        return o;
    }

    /** One {@code IPAM.Config} entry: IPRange and AuxiliaryAddresses only when set, as dockerd omits them. */
    private static ObjectNode pool(NetworkPool p) {
        ObjectNode o = JSON.objectNode().put("Subnet", p.subnet());
        p.range().ifPresent(range -> o.put("IPRange", range));
        o.put("Gateway", p.gateway());
        if (!p.auxiliaryAddresses().isEmpty()) {
            ObjectNode aux = o.putObject("AuxiliaryAddresses");
            p.auxiliaryAddresses().forEach(aux::put);
        }
        return o;
    }

    private static String address(Endpoint e, boolean v6) {
        return e.addresses().stream().filter(a -> a.contains(":") == v6).findFirst().orElse("");
    }
}
