package io.netmgr.daemon.docker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A network in the shape of Docker's {@code network inspect} ({@code api/types/network.Inspect}). */
final class DockerNetworkView {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DockerNetworkView() {
    }

    /**
     * {@code n}'s scope as Docker names it: a cluster-wide (overlay) network is "swarm", as
     * dockerd shows a swarm overlay; a host's own is "local".
     */
    static String scope(Network n) {
        return Network.GLOBAL.equals(n.scope()) ? "swarm" : n.scope();
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
        o.put("Scope", scope(n));
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
        n.pools().stream().sorted(Comparator.comparing(NetworkPool::family)).forEach(p -> config.add(pool(p)));
        o.put("Internal", n.internal());
        // any container may connect to an overlay, as to a swarm overlay made --attachable: netmgr has no swarm tasks to keep it for
        o.put("Attachable", n.attachable() || Network.GLOBAL.equals(n.scope()));
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
                    .put("IPv4Address", address(e, IpFamily.V4)).put("IPv6Address", address(e, IpFamily.V6));
        }
        ObjectNode options = o.putObject("Options");
        n.options().forEach(options::put);
        ObjectNode labels = o.putObject("Labels");
        n.labels().forEach(labels::put);
        return o;
    }

    /** One {@code IPAM.Config} entry: IPRange and AuxiliaryAddresses only when set, as dockerd omits them. */
    private static ObjectNode pool(NetworkPool p) {
        ObjectNode o = JSON.objectNode().put("Subnet", p.subnet().toString());
        p.rangeText().ifPresent(range -> o.put("IPRange", range));
        o.put("Gateway", p.gateway().toString());
        if (!p.auxiliaryAddresses().isEmpty()) {
            ObjectNode aux = o.putObject("AuxiliaryAddresses");
            p.auxiliaryAddresses().forEach((name, address) -> aux.put(name, address.toString()));
        }
        return o;
    }

    private static String address(Endpoint e, IpFamily family) {
        return e.addresses().stream().filter(a -> a.family() == family).findFirst().map(IpNet::toString).orElse("");
    }
}
