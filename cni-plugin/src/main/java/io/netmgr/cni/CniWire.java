package io.netmgr.cni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON exchanged between netmgr-cni and the daemon's {@code POST /v1/cni}: the request is
 * {@code {"env": {...}, "stdin": "..."}}, the answer {@code {"exitCode": n, "stdout": "..."}}.
 */
public final class CniWire {
    public static final String PATH = "/v1/cni";

    private CniWire() {
    }

    public static String encodeRequest(CniRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("env", new LinkedHashMap<>(r.env()));
        m.put("stdin", r.stdin());
        return Json.write(m);
    }

    public static CniRequest decodeRequest(String body) {
        Map<String, Object> m = Json.parseObject(body);
        Map<String, String> env = new LinkedHashMap<>();
        if (m.get("env") instanceof Map<?, ?> e) {
            e.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return new CniRequest(env, m.get("stdin") instanceof String s ? s : "");
    }

    public static String encodeResponse(CniResponse r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exitCode", (long) r.exitCode());
        m.put("stdout", r.stdout());
        return Json.write(m);
    }

    public static CniResponse decodeResponse(String body) {
        Map<String, Object> m = Json.parseObject(body);
        if (!(m.get("exitCode") instanceof Long code) || !(m.get("stdout") instanceof String out)) {
            throw new Json.MalformedJsonException("daemon answer lacks exitCode or stdout: " + body);
        }
        return new CniResponse(code.intValue(), out);
    }
}
