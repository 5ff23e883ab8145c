package io.netmgr.ipam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A pool record as JSON, readable with {@code etcdctl get}:
 * {@code {"owner":"web","subnet":"10.1.0.0/24","ipRange":"10.1.0.128/25","gateway":"10.1.0.1","auxiliaryAddresses":{"db":"10.1.0.2"}}};
 * a pool with address ranges has {@code "addressRanges":["10.1.0.10-10.1.0.20"]} instead of the ip range.
 */
final class PoolCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PoolCodec() {
    }

    static byte[] encode(Pool pool) {
        ObjectNode node = JSON.createObjectNode();
        node.put("owner", pool.owner());
        node.put("subnet", pool.subnet().toString());
        pool.config().ipRange().ifPresent(range -> node.put("ipRange", range.toString()));
        if (!pool.config().addressRanges().isEmpty()) {
            var ranges = node.putArray("addressRanges");
            pool.config().addressRanges().forEach(r -> ranges.add(r.toString()));
        }
        node.put("gateway", pool.gateway().toString());
        ObjectNode aux = node.putObject("auxiliaryAddresses");
        pool.config().auxiliaryAddresses().forEach((name, address) -> aux.put(name, address.toString()));
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode pool " + pool.id(), e);
        }
    }

    static Pool decode(String poolId, byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            Optional<IpPrefix> range = node.hasNonNull("ipRange")
                    ? Optional.of(IpPrefix.parse(node.get("ipRange").asText()))
                    : Optional.empty();
            List<AddressRange> addressRanges = new ArrayList<>();
            node.path("addressRanges").forEach(r -> addressRanges.add(AddressRange.parse(r.asText())));
            SortedMap<String, IpAddress> aux = new TreeMap<>();
            node.path("auxiliaryAddresses").fields()
                    .forEachRemaining(entry -> aux.put(entry.getKey(), IpAddress.parse(entry.getValue().asText())));
            IpamConfig config = new IpamConfig(IpPrefix.parse(node.path("subnet").asText()), range, addressRanges,
                    Optional.of(IpAddress.parse(node.path("gateway").asText())), aux);
            return new Pool(poolId, node.path("owner").asText(), config);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the store record of pool " + poolId + " is unreadable (" + e.getMessage()
                    + "); was it written by another program?", e);
        }
    }
}
