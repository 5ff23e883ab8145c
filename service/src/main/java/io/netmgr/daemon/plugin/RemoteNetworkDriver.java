package io.netmgr.daemon.plugin;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.JoinMode;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.daemon.DaemonOperations;
import io.netmgr.daemon.Subnets;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's remote network driver protocol on netmgr's controller: a network dockerd creates with
 * {@code -d netmgr} is a netmgr bridge network, each container's attachment a netmgr endpoint,
 * each container a sandbox adopted from the namespace dockerd made. The lifecycle maps one to
 * one: CreateEndpoint reserves the addresses (dockerd's IPAM chose them) and the host ports;
 * Join makes the veth pair, publishes the ports and hands the container's end over to dockerd
 * ({@link JoinMode#HAND_OVER}), which moves it into the container, names it eth0 and gives it
 * its address and the routes answered here; Leave and DeleteEndpoint undo them.
 */
final class RemoteNetworkDriver {
    static final String GENERIC = "com.docker.network.generic";
    static final String ENABLE_IPV6 = "com.docker.network.enable_ipv6";
    static final String INTERNAL = "com.docker.network.internal";
    /** The netmgr driver a network dockerd creates uses: the bridge, the only one whose joins can be handed over. */
    static final String NETMGR_DRIVER = "bridge";

    private final DaemonOperations ops;
    private final NetworkController controller;
    private final RemoteIpam ipam;

    RemoteNetworkDriver(DaemonOperations ops, NetworkController controller, RemoteIpam ipam) {
        this.ops = ops;
        this.controller = controller;
        this.ipam = ipam;
    }

    Map<String, Object> capabilities() {
        return Map.of("Scope", "local", "ConnectivityScope", "local");
    }

    Map<String, Object> createNetwork(PluginRequests.CreateNetwork r) {
        String name = DockerNames.network(r.networkID());
        Map<String, Object> options = r.options() == null ? Map.of() : r.options();
        NetworkConfig config = NetworkConfig.of(name, NETMGR_DRIVER).withIpv6(flag(options, ENABLE_IPV6))
                .withInternal(flag(options, INTERNAL)).withLabel(DockerNames.NETWORK_ID_LABEL, r.networkID());
        if (options.get(GENERIC) instanceof Map<?, ?> generic) {
            for (var o : generic.entrySet()) {
                config = config.withOption(String.valueOf(o.getKey()), String.valueOf(o.getValue())); // -o KEY=VALUE
            }
        }
        List<IpamConfig> fromDocker = new ArrayList<>();
        fromDocker.addAll(pools("IPv4Data", r.iPv4Data()));
        fromDocker.addAll(pools("IPv6Data", r.iPv6Data()));
        NetworkConfig base = config;
        controller.exclusively(() -> {
            if (findNetwork(r.networkID()).isPresent()) {
                return null; // dockerd asking again (it retries a create it saw fail): the network is there
            }
            return ops.createNetwork(base.withIpam(fromDocker.stream().map(ipam::takeOverPool).toArray(IpamConfig[]::new)));
        });
        return Map.of();
    }

    Map<String, Object> deleteNetwork(PluginRequests.NetworkRef r) {
        controller.exclusively(() -> {
            findNetwork(r.networkID()).ifPresent(n -> ops.deleteNetwork(n.id()));
            return null; // gone already: dockerd repeats a delete after a crash, and that must succeed
        });
        return Map.of();
    }

    Map<String, Object> createEndpoint(PluginRequests.CreateEndpoint r) {
        Network network = network(r.networkID());
        var iface = r.iface();
        Optional<IpNet> v4 = iface == null ? Optional.empty() : cidr(iface.address(), "Interface.Address");
        Optional<IpNet> v6 = iface == null ? Optional.empty() : cidr(iface.addressIPv6(), "Interface.AddressIPv6");
        EndpointConfig base = EndpointConfig.named(DockerNames.endpoint(r.endpointID()))
                .withInterfaceName(DockerNames.transitInterface(r.endpointID()));
        if (iface != null && present(iface.macAddress())) {
            base = base.withMac(iface.macAddress());
        }
        EndpointConfig named = base;
        controller.exclusively(() -> {
            if (controller.findEndpoint(network.id(), named.name()).isPresent()) {
                return null; // dockerd asking again: the endpoint is there
            }
            EndpointConfig config = named;
            List<PortBinding> taken = controller.endpoints().stream().flatMap(e -> e.ports().stream()).toList();
            config = config.withPorts(DockerPortMap.bindings(r.options(), taken));
            for (IpNet a : v4.stream().toList()) {
                ipam.takeOverAddress(network, a.address());
                config = config.withIpv4(a.address().toString());
            }
            for (IpNet a : v6.stream().toList()) {
                ipam.takeOverAddress(network, a.address());
                config = config.withIpv6(a.address().toString());
            }
            return ops.createEndpoint(network.id(), config, Optional.empty());
        });
        // dockerd's IPAM gave the addresses: the protocol forbids answering an interface of our own
        return Map.of();
    }

    Map<String, Object> endpointOperInfo(PluginRequests.EndpointRef r) {
        Endpoint e = endpoint(r.networkID(), r.endpointID());
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(DockerPortMap.PORT_MAP, DockerPortMap.render(e));
        value.put("com.docker.network.endpoint.macaddress", e.mac());
        return Map.of("Value", value);
    }

    Map<String, Object> deleteEndpoint(PluginRequests.EndpointRef r) {
        controller.exclusively(() -> {
            findEndpoint(r.networkID(), r.endpointID()).ifPresent(e -> ops.deleteEndpoint(e.id()));
            return null; // gone already: a repeated delete succeeds
        });
        return Map.of();
    }

    Map<String, Object> join(PluginRequests.Join r) {
        Network network = network(r.networkID());
        String sandboxName = DockerNames.sandbox(r.sandboxKey());
        Endpoint joined = controller.exclusively(() -> {
            Endpoint e = endpoint(r.networkID(), r.endpointID());
            Optional<Sandbox> known = controller.findSandbox(sandboxName);
            Sandbox sandbox = known.orElseGet(() -> ops.adoptPendingSandbox(sandboxName, Path.of(r.sandboxKey())));
            if (e.sandboxId() != null) {
                if (e.sandboxId().equals(sandbox.id())) {
                    return e; // dockerd asking again
                }
                throw NetmgrException.conflict("endpoint " + r.endpointID() + " is already joined to another container");
            }
            try {
                return ops.join(e.id(), sandbox.id(), JoinMode.HAND_OVER);
            } catch (RuntimeException failed) {
                if (known.isEmpty()) { // made for this join: dockerd, which only deletes the endpoint now, never says it is gone
                    try {
                        ops.deleteSandbox(sandbox.id());
                    } catch (RuntimeException undo) {
                        failed.addSuppressed(undo);
                    }
                }
                throw failed;
            }
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("InterfaceName", Map.of("SrcName", joined.interfaceName(), "DstPrefix", DockerNames.CONTAINER_INTERFACE_PREFIX));
        List<Map<String, Object>> staticRoutes = new ArrayList<>();
        for (EndpointRoute route : controller.sandboxRoutes(joined)) {
            if (route.destination().length() == 0 && route.via() != null) {
                answer.putIfAbsent(route.via().family() == IpFamily.V6 ? "GatewayIPv6" : "Gateway",
                        route.via().toString());
            } else {
                staticRoutes.add(route.via() == null
                        ? Map.of("Destination", route.destination().toString(), "RouteType", 1) // connected
                        : Map.of("Destination", route.destination().toString(), "RouteType", 0, "NextHop", route.via().toString()));
            }
        }
        answer.put("StaticRoutes", staticRoutes);
        answer.put("DisableGatewayService", false);
        if (network.internal()) {
            answer.put("DisableGatewayService", true);
        }
        return answer;
    }

    Map<String, Object> leave(PluginRequests.EndpointRef r) {
        controller.exclusively(() -> {
            Optional<Endpoint> e = findEndpoint(r.networkID(), r.endpointID());
            if (e.isEmpty() || e.get().sandboxId() == null) {
                return null; // left already
            }
            String sandboxId = e.get().sandboxId();
            ops.leave(e.get().id());
            // dockerd never says a container's namespace is gone: its sandbox goes with its last endpoint
            if (controller.endpoints().stream().noneMatch(x -> sandboxId.equals(x.sandboxId()))) {
                ops.deleteSandbox(sandboxId);
            }
            return null;
        });
        return Map.of();
    }

    /**
     * ProgramExternalConnectivity: the ports of CreateEndpoint's port map were published by Join
     * (netmgr ties publishing to the join, so a crash never leaves rules of a container that is
     * not joined); the endpoint must exist.
     */
    Map<String, Object> programExternalConnectivity(PluginRequests.EndpointRef r) {
        endpoint(r.networkID(), r.endpointID());
        return Map.of();
    }

    /** RevokeExternalConnectivity: the ports go with Leave; nothing to do before it. */
    Map<String, Object> revokeExternalConnectivity(PluginRequests.EndpointRef r) {
        return Map.of();
    }

    private Network network(String dockerNetworkId) {
        return findNetwork(dockerNetworkId).orElseThrow(() -> NetmgrException.notFound("netmgr has no network "
                + DockerNames.network(dockerNetworkId) + " for docker network " + dockerNetworkId
                + " (was netmgr's state removed?); remove the docker network and create it again"));
    }

    private Optional<Network> findNetwork(String dockerNetworkId) {
        try {
            return Optional.of(controller.network(DockerNames.network(dockerNetworkId)));
        } catch (NetmgrException e) {
            if (e.kind() == NetmgrException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<Endpoint> findEndpoint(String dockerNetworkId, String dockerEndpointId) {
        return findNetwork(dockerNetworkId).flatMap(n -> controller.findEndpoint(n.id(), DockerNames.endpoint(dockerEndpointId)));
    }

    private Endpoint endpoint(String dockerNetworkId, String dockerEndpointId) {
        Network network = network(dockerNetworkId);
        return controller.findEndpoint(network.id(), DockerNames.endpoint(dockerEndpointId)).orElseThrow(() ->
                NetmgrException.notFound("netmgr has no endpoint " + DockerNames.endpoint(dockerEndpointId) + " on network "
                        + network.name() + " for docker endpoint " + dockerEndpointId));
    }

    private static List<IpamConfig> pools(String field, List<PluginRequests.IpamData> data) {
        List<IpamConfig> out = new ArrayList<>();
        for (int i = 0; data != null && i < data.size(); i++) {
            PluginRequests.IpamData d = data.get(i);
            String where = field + "[" + i + "]";
            Map<String, String> aux = new LinkedHashMap<>();
            if (d.auxAddresses() != null) {
                d.auxAddresses().forEach((k, v) -> aux.put(k, withoutLength(v)));
            }
            out.add(Subnets.config(where, d.pool(), null, withoutLength(d.gateway()), aux));
        }
        return out;
    }

    /** dockerd writes gateways and auxiliary addresses in CIDR form ("10.1.0.1/24"); netmgr's configs take the address. */
    private static String withoutLength(String cidr) {
        return cidr == null ? null : cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
    }

    private static Optional<IpNet> cidr(String text, String field) {
        if (!present(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(IpNet.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not an address in CIDR form (" + e.getMessage() + ")");
        }
    }

    private static boolean flag(Map<String, Object> options, String key) {
        Object v = options.get(key);
        return v instanceof Boolean b ? b : v != null && Boolean.parseBoolean(v.toString());
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
