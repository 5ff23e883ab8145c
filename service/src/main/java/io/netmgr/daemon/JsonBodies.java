package io.netmgr.daemon;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Request bodies in, responses out. netmgr's own API is strict (an unknown field is a 400
 * naming it, so typos do not go unnoticed); Docker's is read as dockerd does (Go's decoder:
 * field names case-insensitive, unknown fields ignored).
 */
public final class JsonBodies {
    /** Bodies larger than this are refused with 413 before any handler sees them. */
    public static final long MAX_BYTES = 256 * 1024;

    /** netmgr's own API: camelCase, unknown fields refused. */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    /** Docker's API: UpperCamelCase, case-insensitive, unknown fields ignored. */
    public static final ObjectMapper DOCKER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .build();

    private JsonBodies() {
    }

    /** Reads {@code body} as {@code type}; an empty body is refused with a message naming what is expected. */
    public static <T> T read(ObjectMapper mapper, String body, Class<T> type) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("request body is empty: send a JSON object");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new IllegalArgumentException("request body is null: send a JSON object");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // a record refused its values: its own message says which and why
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Bytes of {@code value} as JSON with netmgr's own naming. */
    public static String write(Object value) {
        try {
            return STRICT.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A one-line message for a body Jackson could not read, naming the field where there is one. */
    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ", "; known fields: ", ""));
            return "unknown field \"" + path(u) + "\" in request body" + known;
        }
        if (e instanceof JsonParseException || e.getClass().getSimpleName().startsWith("JsonEOF")) {
            var where = e.getLocation();
            return "malformed JSON in request body" + (where == null ? "" : " at line " + where.getLineNr() + " column "
                    + where.getColumnNr()) + ": " + firstLine(e.getOriginalMessage());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "field \"" + path(m) + "\" of request body: " + firstLine(m.getOriginalMessage());
        }
        return "cannot read request body: " + firstLine(e.getOriginalMessage());
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            } else {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            }
        }
        return b.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
