package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.NetConf;
import io.netmgr.cni.config.RequestedAddresses;
import io.netmgr.cni.result.AttachmentResult;
import io.netmgr.cni.result.CniResult;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * ADD: the network (made on first use), the container's sandbox (its netns adopted), an
 * endpoint with the requested addresses and MAC, the configuration's routes and the bandwidth
 * capability's limits, joined; the result describes it all. A failure part-way removes what
 * this ADD made.
 */
public final class AddCommand {
    private AddCommand() {
    }

    /** Refuses a container namespace that is not there, before netmgr is opened for the ADD. */
    public static void checkNamespace(Path netns) {
        if (!Files.exists(netns)) {
            throw new CniError(CniError.UNKNOWN_CONTAINER, "CNI_NETNS " + netns + " does not exist");
        }
    }

    /** ADD; with {@code service}, the container also becomes a backend of that service (which must exist, on this network). */
    public static CniResult run(NetworkController c, NetConf conf, Attachment a, Path netns, RequestedAddresses requested,
            Optional<String> service, boolean resolverAnswers) {
        service.ifPresent(s -> checkService(c, s)); // an unknown service is refused before anything is made
        boolean networkExisted = NetworkDefinition.find(c, conf.name()).isPresent();
        Network network = NetworkDefinition.ensure(c, conf);
        if (Attachments.endpoint(c, network, a).isPresent()) {
            throw alreadyAdded(conf, a); // its interface gone from the container, the attachment still stored
        }
        Sandbox sandbox = Attachments.sandboxFor(c, a, netns);
        Endpoint endpoint = null;
        try {
            endpoint = c.createEndpoint(network.id(), endpointConfig(conf, a, requested));
            Endpoint joined = c.join(endpoint.id(), sandbox.id());
            if (service.isPresent()) {
                c.services().attach(service.get(), sandbox.id());
            }
            return AttachmentResult.of(c, network, joined, netns.toString(), AttachmentResult.dns(conf.resultDns(), network, resolverAnswers));
        } catch (RuntimeException e) {
            Attachments.removeQuietly(c, endpoint, e);
            Attachments.forgetSandboxIfUnused(c, sandbox.name());
            if (!networkExisted) {
                Attachments.removeNetworkQuietly(c, network, e); // a refused first ADD leaves no network behind
            }
            throw inRuntimeTerms(e, netns, a);
        }
    }

    /**
     * The join enters the container's namespace once and refuses an interface name taken there
     * (CONFLICT) before it makes anything in it: that refusal in the runtime's terms. An interface
     * of that name still there after the undo is not this ADD's; only then, on this failure, is the
     * namespace opened again.
     */
    private static RuntimeException inRuntimeTerms(RuntimeException e, Path netns, Attachment a) {
        if (e instanceof NetmgrException n && n.kind() == NetmgrException.Kind.CONFLICT && hasInterface(netns, a.ifName())) {
            return new CniError(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME " + a.ifName() + ": the container's namespace " + netns
                    + " already has an interface of that name", "give this network's interface another name");
        }
        return e;
    }

    private static void checkService(NetworkController c, String service) {
        try {
            c.services().service(service);
        } catch (NetmgrException e) {
            if (e.kind() != NetmgrException.Kind.NOT_FOUND) {
                throw e;
            }
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, e.getMessage() + " (NETMGR_SERVICE or args.cni.service)",
                    "create it first (netmgr service create " + service + " --network NETWORK), or join no service");
        }
    }

    private static CniError alreadyAdded(NetConf conf, Attachment a) {
        return new CniError(CniError.CONFLICT, "container " + a.containerId() + " already has " + a.ifName() + " on network "
                + conf.name(), "DEL the attachment before adding it again");
    }

    private static boolean hasInterface(Path netns, String ifName) {
        try (NetNs ns = NetNs.openPath(netns); NetlinkHandle inside = NetlinkHandle.open(ns)) {
            return inside.links().find(ifName).isPresent();
        } catch (RuntimeException gone) {
            return false; // the namespace went meanwhile: the join's own error stands
        }
    }

    private static EndpointConfig endpointConfig(NetConf conf, Attachment a, RequestedAddresses requested) {
        EndpointConfig config = EndpointConfig.named(a.endpointName()).withInterfaceName(a.ifName())
                .withPorts(PortPublishing.bindings(conf)).withRoutes(conf.routes()).withBandwidth(conf.runtimeConfig().bandwidth());
        for (IpAddress ip : requested.ips()) {
            config = ip.family() == IpFamily.V6 ? config.withIpv6(ip.toString()) : config.withIpv4(ip.toString());
        }
        Optional<String> mac = requested.mac();
        return mac.isPresent() ? config.withMac(mac.get()) : config;
    }
}
