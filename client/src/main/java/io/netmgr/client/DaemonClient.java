package io.netmgr.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * netmgrd's API as the CLI uses it: JSON in, JSON out, a {@link DaemonException} carrying the
 * daemon's {@code message} for any 4xx/5xx, and one clear error when nothing listens.
 */
public final class DaemonClient {
    public static final String DEFAULT_HOST = "unix:///run/netmgr/netmgr.sock";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final UnixHttpClient http;

    private DaemonClient(String host, Path socket) {
        this.host = host;
        this.http = new UnixHttpClient(socket);
    }

    /** The daemon at {@code host} ({@code unix:///path}), else {@code NETMGR_HOST}, else the default socket. */
    public static DaemonClient connect(String host, Map<String, String> env) {
        String h = host != null ? host : env.getOrDefault("NETMGR_HOST", DEFAULT_HOST);
        if (!h.startsWith("unix://") || h.length() <= "unix://".length()) {
            throw new IllegalArgumentException("bad daemon address \"" + h + "\": give unix:///path/to/netmgr.sock "
                    + "(netmgrd listens on a unix socket only)");
        }
        return new DaemonClient(h, Path.of(h.substring("unix://".length())));
    }

    public JsonNode get(String path) {
        return call("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return call("POST", path, body);
    }

    public JsonNode delete(String path) {
        return call("DELETE", path, null);
    }

    /** Hands every line the daemon streams from {@code path} to {@code lines} (blocks until it ends). */
    public void stream(String path, Consumer<JsonNode> lines) {
        try {
            UnixHttpClient.Response r = http.stream(path, line -> {
                try {
                    lines.accept(JSON.readTree(line));
                } catch (IOException e) {
                    throw new DaemonException(0, "netmgrd streamed a line that is not JSON: " + line);
                }
            });
            check(r);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
            UnixHttpClient.Response r = http.send(method, path, bytes);
            check(r);
            return r.body().length == 0 ? NullNode.getInstance() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private static void check(UnixHttpClient.Response r) {
        if (r.status() < 300) {
            return;
        }
        String message;
        try {
            message = JSON.readTree(r.body()).path("message").asText(r.text());
        } catch (IOException e) {
            message = r.text();
        }
        throw new DaemonException(r.status(), message);
    }

    private DaemonException unreachable(IOException e) {
        return new DaemonException(0, "cannot talk to netmgrd at " + host + ": " + e.getMessage()
                + " (is netmgrd running? -H or NETMGR_HOST choose another socket)");
    }

    /** {@code a=1&b=2}, encoded, from the non-null values of {@code query}. */
    public static String query(Map<String, String> query) {
        String q = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    /** A path segment, encoded. */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
