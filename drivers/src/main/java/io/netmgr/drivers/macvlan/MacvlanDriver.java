package io.netmgr.drivers.macvlan;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.Capability;
import io.netmgr.core.driver.CniMapping;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Macvlan;
import io.netmgr.netlink.ns.NetNs;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * macvlan: each endpoint is a child of the network's {@code parent} interface with its own
 * MAC, made on the host and moved into the sandbox under its final name. Mode {@code bridge}
 * by default (children of one parent reach each other), or {@code macvlan.mode}.
 */
public final class MacvlanDriver implements NetworkDriver {
    /** The driver's name, as networks and CNI configurations give it. */
    public static final String NAME = "macvlan";
    public static final String PARENT_OPTION = "parent";
    public static final String MODE_OPTION = "macvlan.mode";

    @Override
    public String name() {
        return NAME;
    }

    private static final CniMapping CNI = new CniMapping(Map.of("master", PARENT_OPTION, "mode", MODE_OPTION), Map.of(), Map.of());

    /** Local, needs a parent; nothing to shape on the host (the child has no host-side end) and no gateway held. */
    @Override
    public Capability capability() {
        return Capability.LOCAL.requiring(PARENT_OPTION);
    }

    @Override
    public Optional<CniMapping> cniMapping() {
        return Optional.of(CNI);
    }

    @Override
    public List<String> missingKernelFeatures(NetlinkHandle scratch) {
        try {
            int parent = scratch.links().get("probe0").index();
            scratch.links().add(Macvlan.on("probemv", parent, Macvlan.Mode.BRIDGE));
            return List.of();
        } catch (RuntimeException e) {
            return List.of("macvlan links (" + e.getMessage() + ")");
        }
    }

    @Override
    public List<String> missingOnHost(HostContext host, Map<String, String> options) {
        String parent = options.get(PARENT_OPTION);
        return parent == null || host.netlink().links().exists(parent) ? List.of() : List.of("parent interface " + parent);
    }

    @Override
    public void validate(Network network) {
        if (network.option(PARENT_OPTION).isEmpty()) {
            throw NetmgrException.invalid("macvlan network " + network.name() + " needs option " + PARENT_OPTION
                    + "=<host interface>, e.g. -o parent=eth0");
        }
        mode(network);
    }

    @Override
    public void createNetwork(HostContext host, Network network) {
        String parent = network.option(PARENT_OPTION).orElseThrow();
        if (!host.netlink().links().exists(parent)) {
            throw NetmgrException.invalid("macvlan parent interface " + parent + " does not exist on the host");
        }
    }

    @Override
    public void deleteNetwork(HostContext host, Network network) {
    }

    @Override
    public JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        var links = host.netlink().links();
        int parent = links.get(network.option(PARENT_OPTION).orElseThrow()).index();
        String temp = "mv" + endpoint.id().substring(0, 13);
        links.add(new Macvlan(LinkAttrs.named(temp).withMac(MacAddress.parse(endpoint.mac())), parent, mode(network)));
        try {
            links.moveTo(temp, sandbox, endpoint.interfaceName());
        } catch (RuntimeException e) {
            links.deleteIfExists(temp);
            throw e;
        }
        return JoinInfo.created(endpoint.interfaceName(), null).withGateways(gateways(network));
    }

    @Override
    public void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        if (sandbox != null) {
            try (var h = NetlinkHandle.open(sandbox)) {
                h.links().deleteIfExists(endpoint.interfaceName());
            }
        }
    }

    private static Macvlan.Mode mode(Network network) {
        String text = network.option(MODE_OPTION).orElse("bridge");
        try {
            return Macvlan.Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw NetmgrException.invalid("option " + MODE_OPTION + "=" + text + ": use bridge, private, vepa or passthru");
        }
    }
}
