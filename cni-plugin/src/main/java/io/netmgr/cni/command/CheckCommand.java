package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.Bandwidth;
import io.netmgr.cni.config.ConfObject;
import io.netmgr.cni.config.NetConf;
import io.netmgr.cni.result.AttachmentResult;
import io.netmgr.cni.result.CniResult;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.network.Network;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.SystemCallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CHECK: the attachment is as ADD left it: the container interface with its MAC, addresses
 * and routes, the host side on its bridge, its published ports in the kernel's ruleset, the tbfs
 * of the bandwidth capability, and a prevResult that agrees. Every difference found
 * is listed in one error (code 101), so an operator sees the whole drift at once.
 */
public final class CheckCommand {
    private CheckCommand() {
    }

    public static void run(NetworkController c, Optional<Firewall> firewall, NetConf conf, Attachment a, Path netns) {
        CniResult prev = conf.prevResult().orElseThrow(() -> ConfObject.invalid("CHECK needs prevResult: the result of the ADD"));
        Network network = NetworkDefinition.find(c, conf.name()).orElseThrow(() -> new CniError(CniError.UNKNOWN_CONTAINER,
                "network " + conf.name() + " does not exist in netmgr"));
        Endpoint e = Attachments.endpoint(c, network, a).filter(x -> x.sandboxId() != null)
                .orElseThrow(() -> new CniError(CniError.UNKNOWN_CONTAINER, "container " + a.containerId() + " has no "
                        + a.ifName() + " on network " + conf.name()));
        CniResult expected = AttachmentResult.of(c, network, e, netns.toString(), conf.routes(), conf.resultDns());
        List<String> drift = new ArrayList<>();
        checkPrevResult(prev, e, netns, drift);
        Bandwidth bandwidth = conf.runtimeConfig().bandwidth();
        checkContainer(netns, e, expected, bandwidth, drift);
        checkHostSide(c, network, e, bandwidth, drift);
        checkPublishedPorts(firewall, e, drift);
        if (!drift.isEmpty()) {
            throw new CniError(CniError.DRIFT, "attachment " + a.ifName() + " of container " + a.containerId() + " on network "
                    + conf.name() + " has drifted: " + String.join("; ", drift), "DEL and ADD it again to repair it");
        }
    }

    private static void checkPrevResult(CniResult prev, Endpoint e, Path netns, List<String> drift) {
        int index = -1;
        for (int i = 0; i < prev.interfaces().size(); i++) {
            CniResult.Interface x = prev.interfaces().get(i);
            if (x.name().equals(e.interfaceName()) && x.sandbox().filter(s -> s.equals(netns.toString())).isPresent()) {
                index = i;
            }
        }
        if (index < 0) {
            drift.add("prevResult has no interface " + e.interfaceName() + " in " + netns);
            return;
        }
        int ours = index;
        Set<String> reported = prev.ips().stream().filter(ip -> ip.interfaceIndex().filter(i -> i == ours).isPresent())
                .map(CniResult.Ip::address).collect(Collectors.toSet());
        for (String addr : e.addresses()) {
            if (!reported.contains(addr)) {
                drift.add("prevResult lacks address " + addr);
            }
        }
    }

    private static void checkContainer(Path netns, Endpoint e, CniResult expected, Bandwidth bandwidth, List<String> drift) {
        try (NetNs ns = NetNs.openPath(netns); NetlinkHandle h = NetlinkHandle.open(ns)) {
            Link link = h.links().find(e.interfaceName()).orElse(null);
            if (link == null) {
                drift.add("interface " + e.interfaceName() + " is missing from " + netns);
                return;
            }
            String mac = link.attrs().macAddress().map(Object::toString).orElse("");
            if (!mac.equalsIgnoreCase(e.mac())) {
                drift.add(e.interfaceName() + " has MAC " + mac + ", expected " + e.mac());
            }
            if (!link.attrs().up()) {
                drift.add(e.interfaceName() + " is down");
            }
            Set<String> present = h.addresses().list(link.attrs().index()).stream().map(Address::ip).map(Object::toString)
                    .collect(Collectors.toSet());
            for (String addr : e.addresses()) {
                if (!present.contains(addr)) {
                    drift.add(e.interfaceName() + " lacks address " + addr);
                }
            }
            for (String r : ContainerRoutes.missing(h, link.attrs().index(), expected.routes())) {
                drift.add("route " + r + " is missing");
            }
            bandwidth.egress().flatMap(s -> TrafficShaping.drift(h, e.interfaceName(), e.interfaceName() + " in " + netns, s))
                    .ifPresent(drift::add);
        } catch (SystemCallException ex) {
            drift.add("netns " + netns + " cannot be entered: " + ex.getMessage());
        }
    }

    /** Read from the live ruleset: a flushed table or a deleted map entry shows here. */
    private static void checkPublishedPorts(Optional<Firewall> firewall, Endpoint e, List<String> drift) {
        if (e.ports().isEmpty()) {
            return;
        }
        if (firewall.isEmpty()) {
            drift.add("ports " + e.ports() + " cannot be checked: this netmgr runs without a firewall");
            return;
        }
        drift.addAll(firewall.get().verifyPorts(e.portMappings()).problems());
    }

    private static void checkHostSide(NetworkController c, Network network, Endpoint e, Bandwidth bandwidth, List<String> drift) {
        if (!network.driver().equals(BridgeDriver.NAME) || e.hostInterface() == null) {
            return;
        }
        var links = c.host().netlink().links();
        String bridge = BridgeDriver.bridgeName(network);
        var br = links.find(bridge);
        if (br.isEmpty()) {
            drift.add("bridge " + bridge + " is missing");
            return;
        }
        var veth = links.find(e.hostInterface());
        if (veth.isEmpty()) {
            drift.add("host interface " + e.hostInterface() + " is missing");
        } else if (veth.get().attrs().masterIndex() != br.get().attrs().index()) {
            drift.add("host interface " + e.hostInterface() + " is not a port of " + bridge);
        }
        bandwidth.ingress().flatMap(s -> TrafficShaping.drift(c.host().netlink(), e.hostInterface(),
                "host interface " + e.hostInterface(), s)).ifPresent(drift::add);
    }
}
