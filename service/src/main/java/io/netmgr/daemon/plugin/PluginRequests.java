package io.netmgr.daemon.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The request bodies of Docker's remote network and IPAM driver protocols (libnetwork's
 * {@code docs/remote.md} and {@code docs/ipam.md}), field for field as dockerd sends them; read
 * with the Docker mapper (names matched case-insensitively, unknown fields ignored).
 */
final class PluginRequests {
    private PluginRequests() {
    }

    /** {@code NetworkDriver.CreateNetwork}. */
    record CreateNetwork(String networkID, Map<String, Object> options, List<IpamData> iPv4Data, List<IpamData> iPv6Data) {
    }

    /** One subnet dockerd's IPAM (or netmgr's) settled: CIDR pool, gateway and auxiliary addresses as CIDR. */
    record IpamData(String addressSpace, String pool, String gateway, Map<String, String> auxAddresses) {
    }

    /** {@code NetworkDriver.DeleteNetwork}, {@code DiscoverNew} and the like: the network alone. */
    record NetworkRef(String networkID) {
    }

    /** {@code NetworkDriver.CreateEndpoint}. */
    record CreateEndpoint(String networkID, String endpointID, @JsonProperty("Interface") EndpointInterface iface,
                          Map<String, Object> options) {
    }

    /** The interface dockerd's IPAM gave the endpoint: addresses in CIDR form, the MAC if the user chose one. */
    record EndpointInterface(String address, String addressIPv6, String macAddress) {
    }

    /** {@code DeleteEndpoint}, {@code EndpointOperInfo}, {@code Leave}, {@code ProgramExternalConnectivity}... */
    record EndpointRef(String networkID, String endpointID, Map<String, Object> options) {
    }

    /** {@code NetworkDriver.Join}: {@code sandboxKey} is the path of the container's namespace. */
    record Join(String networkID, String endpointID, String sandboxKey, Map<String, Object> options) {
    }

    /** {@code IpamDriver.RequestPool}. */
    record RequestPool(String addressSpace, String pool, String subPool, Map<String, String> options, boolean v6) {
    }

    /** {@code IpamDriver.ReleasePool}. */
    record ReleasePool(String poolID) {
    }

    /** {@code IpamDriver.RequestAddress}: {@code address} is the preferred one, empty for any. */
    record RequestAddress(String poolID, String address, Map<String, String> options) {
    }

    /** {@code IpamDriver.ReleaseAddress}. */
    record ReleaseAddress(String poolID, String address) {
    }
}
