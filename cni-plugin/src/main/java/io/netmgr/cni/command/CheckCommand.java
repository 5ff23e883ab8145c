package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.ConfObject;
import io.netmgr.cni.config.NetConf;
import io.netmgr.cni.result.AttachmentResult;
import io.netmgr.cni.result.CniResult;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.network.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CHECK: the attachment is as ADD left it: what the controller verifies (the container interface
 * with its MAC, addresses and routes, and what its driver made: a host side on its bridge, the
 * tbfs of the bandwidth capability), its published ports in the kernel's ruleset, and a
 * prevResult that agrees. Every difference found
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
        List<String> drift = new ArrayList<>();
        checkPrevResult(prev, e, netns, drift);
        // as the configuration asks: a CHECK without the bandwidth capability does not look for tbfs
        drift.addAll(c.verify(e.withBandwidth(conf.runtimeConfig().bandwidth())));
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
}
