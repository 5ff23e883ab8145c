package io.netmgr.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.endpoint.Bandwidth;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.EndpointMode;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceBackend;
import io.netmgr.core.service.ServiceVip;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpNet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Writes model objects where the controller stores them, so the index is tested on the store's real layout. */
final class ModelWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Store store;
    private final String root;
    private final String endpoints;

    ModelWriter(Store store) {
        this(store, "/netmgr/", "/netmgr/endpoints/");
    }

    private ModelWriter(Store store, String root, String endpoints) {
        this.store = store;
        this.root = root;
        this.endpoints = endpoints;
    }

    /** Global objects in a cluster store: networks, services, backends under /netmgr/global/, endpoints under their host. */
    static ModelWriter global(Store cluster, String hostId) {
        return new ModelWriter(cluster, "/netmgr/global/", "/netmgr/global/hosts/" + hostId + "/endpoints/");
    }

    Network network(String id, String name, String driver, boolean predefined) {
        return network(id, name, driver, predefined, Map.of());
    }

    Network network(String id, String name, String driver, boolean predefined, Map<String, String> labels) {
        return network(id, name, driver, predefined, labels, Network.LOCAL);
    }

    Network network(String id, String name, String driver, boolean predefined, Map<String, String> labels, String scope) {
        Network n = new Network(id, name, driver, List.of(), Map.of(), labels, false, true, false, predefined, "now", scope);
        put(root + "networks/" + id, n);
        return n;
    }

    Sandbox sandbox(String id, String name, String path, boolean owned) {
        Sandbox s = new Sandbox(id, name, path, owned, 1);
        put(root + "sandboxes/" + id, s);
        return s;
    }

    /** An endpoint of {@code network} joined to {@code sandbox} (none when null) with these addresses (CIDR text). */
    Endpoint endpoint(String id, String network, String sandbox, List<String> aliases, String... addresses) {
        Endpoint e = new Endpoint(id, "ep-" + id, network, Arrays.stream(addresses).map(IpNet::parse).toList(), null, aliases,
                "eth0", sandbox, null, List.of(), List.of(), Bandwidth.NONE);
        put(endpoints + id, e);
        return e;
    }

    Service service(String id, String name, EndpointMode mode, Map<String, String> vipByNetwork, String... networks) {
        List<ServiceVip> vips = vipByNetwork.entrySet().stream().map(v -> new ServiceVip(v.getKey(), IpNet.parse(v.getValue()))).toList();
        Service s = new Service(id, name, mode, List.of(networks), vips, List.of(), Map.of(), "now");
        put(root + "services/" + id, s);
        return s;
    }

    void backend(String service, String endpoint, String sandbox, String network, String address) {
        put(root + "service-backends/" + service + "/" + endpoint,
                new ServiceBackend(service, endpoint, sandbox, sandbox, network, IpNet.parse(address), "this"));
    }

    void deleteBackend(String service, String endpoint) {
        store.txn().delete(root + "service-backends/" + service + "/" + endpoint).commit();
    }

    void deleteEndpoint(String id) {
        store.txn().delete(endpoints + id).commit();
    }

    private void put(String key, Object value) {
        try {
            store.txn().put(key, JSON.writeValueAsBytes(value)).commit();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
