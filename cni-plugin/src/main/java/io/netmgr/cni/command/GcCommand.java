package io.netmgr.cni.command;

import io.netmgr.cni.config.ConfObject;
import io.netmgr.cni.config.NetConf;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * GC: every CNI attachment of the network that {@code cni.dev/valid-attachments} does not list
 * is removed as DEL would remove it. Returns one line per removal, for the log.
 */
public final class GcCommand {
    private GcCommand() {
    }

    public static List<String> run(NetworkController c, NetConf conf) {
        List<NetConf.AttachmentId> valid = conf.validAttachments().orElseThrow(() -> ConfObject.invalid(
                "GC needs cni.dev/valid-attachments (an empty array removes every attachment of the network)"));
        Set<String> keep = valid.stream().map(v -> new Attachment(v.containerId(), v.ifName()).endpointName())
                .collect(Collectors.toSet());
        Optional<Network> network = NetworkDefinition.find(c, conf.name());
        if (network.isEmpty()) {
            return List.of();
        }
        List<Endpoint> stale = Attachments.onNetwork(c, network.get()).stream().filter(e -> !keep.contains(e.name())).toList();
        for (Endpoint e : stale) {
            Attachments.remove(c, e);
        }
        return stale.stream().map(e -> "removed " + e.name() + " " + e.addresses()).toList();
    }
}
