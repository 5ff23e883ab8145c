package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.cni.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, path-aware reads of one JSON object of the network configuration; a value of the
 * wrong kind is a {@link CniError} naming the field, e.g. {@code ipam.ranges[0][0].subnet}.
 */
public record ConfObject(String path, Map<String, Object> fields) {

    static ConfObject root(Map<String, Object> fields) {
        return new ConfObject("", fields);
    }

    public String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return fields.containsKey(key) && fields.get(key) != null;
    }

    public Optional<String> string(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw wrongKind(key, "a string", v);
        }
        return Optional.of(s);
    }

    public String requiredString(String key) {
        return string(key).filter(s -> !s.isEmpty())
                .orElseThrow(() -> invalid(field(key) + " is missing; it is required"));
    }

    Optional<Boolean> bool(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw wrongKind(key, "true or false", v);
        }
        return Optional.of(b);
    }

    /** A string or a boolean, as text: a driver option's value. */
    Optional<String> scalar(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String) && !(v instanceof Boolean)) {
            throw wrongKind(key, "a string or true or false", v);
        }
        return Optional.of(v.toString());
    }

    public Optional<Long> number(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Long n)) {
            throw wrongKind(key, "a whole number", v);
        }
        return Optional.of(n);
    }

    public Optional<ConfObject> object(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(asObject(field(key), v));
    }

    /** The array at {@code key} (empty when absent). */
    public List<Object> array(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw wrongKind(key, "an array", v);
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) l;
        return list;
    }

    @SuppressWarnings("unchecked")
    public static ConfObject asObject(String path, Object v) {
        if (!(v instanceof Map)) {
            throw invalid(path + " must be an object, not " + Json.kind(v));
        }
        return new ConfObject(path, (Map<String, Object>) v);
    }

    static List<Object> asArray(String path, Object v) {
        if (!(v instanceof List<?> l)) {
            throw invalid(path + " must be an array, not " + Json.kind(v));
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) l;
        return list;
    }

    private CniError wrongKind(String key, String expected, Object v) {
        return invalid(field(key) + " must be " + expected + ", not " + Json.kind(v) + " " + Json.write(v));
    }

    public static CniError invalid(String msg) {
        return new CniError(CniError.INVALID_NETWORK_CONFIG, msg);
    }
}
