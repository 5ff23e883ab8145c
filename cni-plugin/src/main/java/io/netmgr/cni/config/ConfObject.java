package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.cni.Json;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
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

    /** The address at {@code key}, when given; text that is not one is error 7 naming the field. */
    public Optional<IpAddress> address(String key) {
        return string(key).map(text -> address(field(key), text));
    }

    /** The CIDR prefix at {@code key}, which must be given, e.g. {@code ipam.subnet}. */
    public IpPrefix requiredPrefix(String key) {
        String text = requiredString(key);
        try {
            return IpPrefix.parse(text, field(key));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** The interface address at {@code key}, which must be given with its prefix length: {@code 10.1.0.5/24}. */
    public IpNet requiredInterfaceAddress(String key) {
        String text = requiredString(key);
        int slash = text.indexOf('/');
        IpAddress address = address(field(key), slash < 0 ? text : text.substring(0, slash));
        String length = slash < 0 ? "" : text.substring(slash + 1);
        if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > address.family().bits()) {
            throw invalid(field(key) + " \"" + text + "\" is not an address with a prefix length, such as 10.1.0.5/24");
        }
        return new IpNet(address, Integer.parseInt(length));
    }

    /** {@code text} read as the address given as {@code field}, e.g. {@code runtimeConfig.ips[0]}. */
    static IpAddress address(String field, String text) {
        try {
            return IpAddress.parse(text, field);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
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
        return scalar(key, false);
    }

    /**
     * A string, a boolean or, when {@code numbers}, a whole number, as text: a driver option's
     * value. A number is how CNI configurations write a numeric one ({@code "vni": 4242}, as
     * flannel's {@code VNI}); the driver checks its range.
     */
    Optional<String> scalar(String key, boolean numbers) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (numbers && v instanceof Long) {
            return Optional.of(v.toString());
        }
        if (!(v instanceof String) && !(v instanceof Boolean)) {
            throw wrongKind(key, numbers ? "a string or a whole number" : "a string or true or false", v);
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
