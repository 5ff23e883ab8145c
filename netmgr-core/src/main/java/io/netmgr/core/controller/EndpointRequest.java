package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.addr.IpFamily;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The checks a new endpoint's request passes before anything is reserved or stored: what the
 * kernel would refuse only at join (an interface name, a MAC), and what would otherwise be
 * dropped or fail half-way (an address of a family the network lacks, one host port twice).
 */
final class EndpointRequest {
    /** IFNAMSIZ less the terminating NUL. */
    static final int MAX_INTERFACE_NAME_BYTES = 15;

    private EndpointRequest() {
    }

    static void check(Network network, EndpointConfig config) {
        config.interfaceName().ifPresent(EndpointRequest::checkInterfaceName);
        config.mac().ifPresent(Interfaces::checkMac);
        checkFamily(network, config.ipv4(), IpFamily.V4);
        checkFamily(network, config.ipv6(), IpFamily.V6);
        checkPortsDistinct(config.ports());
    }

    /** The kernel's dev_valid_name: 1 to 15 bytes, not "." or "..", no '/', ':' or whitespace. */
    static void checkInterfaceName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        String why = null;
        if (bytes == 0) {
            why = "is empty";
        } else if (bytes > MAX_INTERFACE_NAME_BYTES) {
            why = "is " + bytes + " bytes long; Linux allows at most " + MAX_INTERFACE_NAME_BYTES;
        } else if (name.equals(".") || name.equals("..")) {
            why = "is reserved";
        } else if (name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c))) {
            why = "contains '/', ':', a space or a control character";
        }
        if (why != null) {
            throw NetmgrException.invalid("interface name \"" + name + "\" " + why + "; use a name such as eth1");
        }
    }

    private static void checkFamily(Network network, Optional<String> address, IpFamily wanted) {
        if (address.isPresent() && network.pools().stream().noneMatch(p -> p.subnet().family() == wanted)) {
            String family = wanted.toString();
            throw NetmgrException.invalid("network " + network.name() + " has no " + family + " subnet, so " + family
                    + " address " + address.get() + " cannot be given; drop it, or use a network with an " + family + " subnet");
        }
    }

    private static void checkPortsDistinct(List<PortBinding> ports) {
        for (int i = 0; i < ports.size(); i++) {
            for (int j = i + 1; j < ports.size(); j++) {
                PortBinding a = ports.get(i);
                PortBinding b = ports.get(j);
                boolean sameAddress = a.hostIp().isEmpty() || b.hostIp().isEmpty() || a.hostIp().equals(b.hostIp());
                if (a.protocol() == b.protocol() && sameAddress && a.hostPorts().overlaps(b.hostPorts())) {
                    throw NetmgrException.invalid("published ports " + a + " and " + b + " use the same host port "
                            + "twice; give each host port once");
                }
            }
        }
    }

    /**
     * The endpoint's address of its family from {@code pool}: the one it asked for if the pool's
     * subnet holds it, else any. A network may have several pools of a family (CNI range sets, one
     * address from each); the address asked for goes to the pool holding it, and to the first pool
     * of its family if none does, which refuses it by name.
     */
    static AddressRequest addressFrom(Network network, NetworkPool pool, String endpointId, EndpointConfig config) {
        boolean v6 = pool.family() == IpFamily.V6;
        var preferred = (v6 ? config.ipv6() : config.ipv4()).map(text -> IpAddress.parse(text, v6 ? "ipv6 address" : "ipv4 address"));
        if (preferred.isEmpty()) {
            return AddressRequest.any(endpointId);
        }
        List<NetworkPool> family = network.pools().stream().filter(p -> p.family() == pool.family()).toList();
        NetworkPool holder = family.stream().filter(p -> p.subnet().contains(preferred.get())).findFirst()
                .orElse(family.get(0));
        return holder == pool ? AddressRequest.preferred(endpointId, preferred.get()) : AddressRequest.any(endpointId);
    }
}
