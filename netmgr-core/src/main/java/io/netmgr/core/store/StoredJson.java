package io.netmgr.core.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How the model's objects are stored: one JSON document per key, unknown fields ignored so that
 * an older netmgr reads what a newer one wrote.
 */
public final class StoredJson {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StoredJson() {
    }

    public static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static <T> T decode(KeyValue kv, Class<T> type) {
        try {
            return JSON.readValue(kv.value(), type);
        } catch (IOException e) {
            throw new IllegalStateException("stored " + kv.key() + " is not a valid " + type.getSimpleName(), e);
        }
    }
}
