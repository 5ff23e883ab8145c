package io.netmgr.daemon.plugin;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's IPAM plugin protocol on netmgr's own IPAM. dockerd asks for a pool and addresses
 * before it tells the network driver about the network or the endpoint, so what it gets is
 * claimed in netmgr's IPAM under the owner {@value #CLAIM}; when the netmgr network (or endpoint)
 * is then created with that subnet (address), the claim is handed over to it under the
 * controller's lock: released and granted again as the network's, so no other caller can take
 * it in between. dockerd's later ReleasePool/ReleaseAddress then find nothing claimed and do
 * nothing. A claim no network took over is not stored with any network, so the reconciler gives
 * it back at netmgrd's next start: the IPAM driver serves netmgr networks
 * ({@code docker network create -d netmgr --ipam-driver netmgr}).
 */
final class RemoteIpam {
    /** The IPAM owner of what dockerd holds and no netmgr network or endpoint has taken over yet. */
    static final String CLAIM = "docker-ipam";
    static final String LOCAL_SPACE = "netmgr-local";
    static final String GLOBAL_SPACE = "netmgr-global";
    private static final String REQUEST_TYPE = "RequestAddressType";
    private static final String GATEWAY_TYPE = "com.docker.network.gateway";

    private final NetworkController controller;
    private final IpamDriver ipam;

    RemoteIpam(NetworkController controller, IpamDriver ipam) {
        this.controller = controller;
        this.ipam = ipam;
    }

    Map<String, Object> capabilities() {
        return Map.of("RequiresMACAddress", false, "RequiresRequestReplay", false);
    }

    Map<String, Object> defaultAddressSpaces() {
        return Map.of("LocalDefaultAddressSpace", LOCAL_SPACE, "GlobalDefaultAddressSpace", GLOBAL_SPACE);
    }

    Map<String, Object> requestPool(PluginRequests.RequestPool r) {
        PoolRequest request;
        if (present(r.pool())) {
            IpamConfig config = IpamConfig.of(IpPrefix.parse(r.pool(), "Pool (--subnet)"));
            if (present(r.subPool())) {
                config = config.withIpRange(IpPrefix.parse(r.subPool(), "SubPool (--ip-range)"));
            }
            request = PoolRequest.of(CLAIM, config);
        } else if (present(r.subPool())) {
            throw new IllegalArgumentException("an --ip-range (SubPool " + r.subPool() + ") needs a --subnet to lie in");
        } else {
            request = PoolRequest.defaultPool(CLAIM, r.v6() ? IpFamily.V6 : IpFamily.V4);
        }
        Pool pool = controller.exclusively(() -> ipam.requestPool(request));
        return Map.of("PoolID", pool.id(), "Pool", pool.subnet().toString(), "Data", Map.of());
    }

    Map<String, Object> releasePool(PluginRequests.ReleasePool r) {
        controller.exclusively(() -> {
            claimedPool(r.poolID()).ifPresent(pool -> {
                releaseClaimedAddresses(pool);
                ipam.releasePool(pool.id());
            });
            return null;
        });
        return Map.of();
    }

    Map<String, Object> requestAddress(PluginRequests.RequestAddress r) {
        boolean gateway = r.options() != null && GATEWAY_TYPE.equals(r.options().get(REQUEST_TYPE));
        Optional<IpAddress> preferred = present(r.address()) ? Optional.of(IpAddress.parse(r.address(), "Address")) : Optional.empty();
        IpNet granted = controller.exclusively(() -> {
            Pool pool = pool(r.poolID());
            if (gateway) {
                return new IpNet(gateway(pool, preferred), pool.subnet().length());
            }
            AssignedAddress a = ipam.requestAddress(pool.id(), preferred.map(ip -> AddressRequest.preferred(CLAIM, ip))
                    .orElseGet(() -> AddressRequest.any(CLAIM)));
            return a.interfaceAddress();
        });
        return Map.of("Address", granted.toString(), "Data", Map.of());
    }

    Map<String, Object> releaseAddress(PluginRequests.ReleaseAddress r) {
        IpAddress ip = IpAddress.parse(r.address(), "Address");
        controller.exclusively(() -> {
            Optional<Pool> pool = ipam.pools().stream().filter(p -> p.id().equals(r.poolID())).findFirst();
            if (pool.isPresent() && CLAIM.equals(ipam.endpointAddresses(pool.get().id()).get(ip))) {
                ipam.releaseAddress(pool.get().id(), ip, CLAIM);
            }
            return null; // taken over by an endpoint, or the gateway: the network gives those back
        });
        return Map.of();
    }

    /**
     * The pool {@code fromDocker} asks for, taking over dockerd's claim on its subnet when there is
     * one (its range too, which CreateNetwork does not repeat); call under the controller's lock,
     * right before the network is created.
     */
    IpamConfig takeOverPool(IpamConfig fromDocker) {
        Optional<Pool> claim = ipam.pools().stream().filter(p -> CLAIM.equals(p.owner()) && p.subnet().equals(fromDocker.subnet()))
                .findFirst();
        if (claim.isEmpty()) {
            return fromDocker; // dockerd's own IPAM chose it: netmgr's IPAM reserves it for the network
        }
        releaseClaimedAddresses(claim.get());
        ipam.releasePool(claim.get().id());
        IpamConfig taken = claim.get().config().withGateway(fromDocker.gateway().orElse(claim.get().gateway()));
        for (var aux : fromDocker.auxiliaryAddresses().entrySet()) {
            taken = taken.withAuxiliaryAddress(aux.getKey(), aux.getValue());
        }
        return taken;
    }

    /** Hands dockerd's claim on {@code ip} over to the endpoint about to be created on {@code network}; under the lock. */
    void takeOverAddress(Network network, IpAddress ip) {
        for (NetworkPool p : network.pools()) {
            if (p.subnet().contains(ip) && CLAIM.equals(ipam.endpointAddresses(p.poolId()).get(ip))) {
                ipam.releaseAddress(p.poolId(), ip, CLAIM);
            }
        }
    }

    /** The gateway of a pool dockerd claimed: the pool's, or the one the user gave (--gateway), granted again with it. */
    private IpAddress gateway(Pool pool, Optional<IpAddress> preferred) {
        if (preferred.isEmpty() || preferred.get().equals(pool.gateway())) {
            return pool.gateway();
        }
        if (!CLAIM.equals(pool.owner())) {
            throw new IllegalArgumentException("pool " + pool.subnet() + " belongs to network " + pool.owner()
                    + ", whose gateway is " + pool.gateway() + ", not " + preferred.get());
        }
        releaseClaimedAddresses(pool);
        ipam.releasePool(pool.id());
        return ipam.requestPool(PoolRequest.of(CLAIM, pool.config().withGateway(preferred.get()))).gateway();
    }

    private Pool pool(String poolId) {
        return ipam.pools().stream().filter(p -> p.id().equals(poolId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("netmgr's IPAM has no pool " + poolId
                        + " (released, or given back when netmgrd restarted); remove and create the network again"));
    }

    private Optional<Pool> claimedPool(String poolId) {
        return ipam.pools().stream().filter(p -> p.id().equals(poolId) && CLAIM.equals(p.owner())).findFirst();
    }

    private void releaseClaimedAddresses(Pool pool) {
        ipam.endpointAddresses(pool.id()).forEach((ip, owner) -> {
            if (CLAIM.equals(owner)) {
                ipam.releaseAddress(pool.id(), ip, CLAIM);
            }
        });
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
