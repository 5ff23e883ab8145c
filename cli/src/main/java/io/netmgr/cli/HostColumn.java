package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netmgr.client.DaemonClient;
import io.netmgr.client.DaemonException;
import java.util.HashMap;
import java.util.Map;

/**
 * The HOST column of {@code service ps} in a cluster: a backend records its host's cluster id (a
 * 64-hex string, stable across renames), a task the host's advertise address as it reports it.
 * The table shows both the same way, as the address {@code node ls} lists for that id; on one host
 * (no cluster: {@code /v1/nodes} answers 503) the backends' host names stay as they are.
 */
final class HostColumn {
    private HostColumn() {
    }

    static JsonNode byAdvertiseAddress(DaemonClient daemon, JsonNode backends) {
        Map<String, String> addresses = new HashMap<>();
        try {
            daemon.get("/v1/nodes").forEach(n -> addresses.put(n.path("id").asText(), n.path("advertiseAddress").asText()));
        } catch (DaemonException notClustered) {
            return backends;
        }
        ArrayNode shown = backends.deepCopy();
        shown.forEach(b -> {
            String address = addresses.get(b.path("host").asText());
            if (address != null) {
                ((ObjectNode) b).put("host", address);
            }
        });
        return shown;
    }
}
