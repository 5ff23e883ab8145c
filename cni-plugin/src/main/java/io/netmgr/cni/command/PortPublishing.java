package io.netmgr.cni.command;

import io.netmgr.cni.config.NetConf;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.firewall.PortRange;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.core.ipam.IpAddress;
import java.util.List;

/**
 * The {@code portMappings} capability as netmgr published ports: the controller publishes them
 * (DNAT from host addresses and 127.0.0.1, hairpin) when the endpoint joins and withdraws them
 * when it is deleted, so DEL and GC remove the rules with the attachment.
 */
final class PortPublishing {
    private PortPublishing() {
    }

    static List<PortBinding> bindings(NetConf conf) {
        return conf.runtimeConfig().portMappings().stream().map(PortPublishing::binding).toList();
    }

    private static PortBinding binding(NetConf.PortMapping m) {
        return new PortBinding(Protocol.parse(m.protocol()), m.hostIp().map(IpAddress::parse),
                PortRange.of(m.hostPort()), PortRange.of(m.containerPort()));
    }
}
