package io.netmgr.daemon;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Request bodies in, responses out. netmgr's own API is strict (an unknown field is a 400
 * naming it, so typos do not go unnoticed); Docker's is read as dockerd does (Go's decoder:
 * field names case-insensitive, unknown fields ignored).
 */
public final class JsonBodies {
    /** Bodies larger than this are refused with 413 before any handler sees them. */
    public static final long MAX_BYTES = 256 * 1024;

    /**
     * Deepest nesting of objects and arrays a body may have. No request of either API needs more
     * than a handful of levels; the bound keeps a hostile body from costing stack or time.
     */
    public static final int MAX_DEPTH = 400;

    // what Jackson found instead, in its words ("from Array value", "Cannot coerce Integer value"), and in ours
    private static final Pattern JACKSON_INPUT = Pattern.compile("(?:from|coerce) ([\\w-]+) value");
    private static final Map<String, String> GOT = Map.of("Array", "an array", "Object", "an object", "String", "a string",
            "Integer", "a number", "Floating-point", "a number", "Float", "a number", "Boolean", "true or false", "Null", "null");

    /** netmgr's own API: camelCase, unknown fields refused. */
    public static final ObjectMapper STRICT = noScalarCoercion(JsonMapper.builder(boundedFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build());

    /** Docker's API: UpperCamelCase, case-insensitive, unknown fields ignored. */
    public static final ObjectMapper DOCKER = noScalarCoercion(JsonMapper.builder(boundedFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .build());

    private JsonBodies() {
    }

    private static JsonFactory boundedFactory() {
        return JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();
    }

    /**
     * A value of one JSON kind where another belongs is refused, as Go's decoder (dockerd)
     * refuses it: {@code {"name": 5}} is a mistake, not network "5"; nor is {@code "yes"} or
     * {@code 1} true.
     */
    private static ObjectMapper noScalarCoercion(ObjectMapper mapper) {
        // a null inside an array or map ({"options": {"mtu": null}}, "subnets": [null]) is refused by
        // name, as a null field's value is; it reached the handlers as a null element and failed there
        mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        for (LogicalType number : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
            mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
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
            // the caller's answer names no Java type; the log has this exception's cause
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    /** A one-line message for a body Jackson could not read, naming the field where there is one. */
    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ", "; known fields: ", ""));
            return "unknown field \"" + path(u) + "\" in request body" + known;
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof JsonProcessingException syntax) {
            return describe(syntax); // a syntax error met while reading a field: the syntax is what to fix
        }
        if (e instanceof StreamConstraintsException) {
            return "request body nests objects or arrays deeper than " + MAX_DEPTH + " levels: send a flatter JSON object";
        }
        if (e instanceof JsonParseException || e.getClass().getSimpleName().startsWith("JsonEOF")) {
            var where = e.getLocation();
            return "malformed JSON in request body" + (where == null ? "" : " at line " + where.getLineNr() + " column "
                    + where.getColumnNr()) + ": " + firstLine(e.getOriginalMessage());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String expected = "expected " + kindOf(m.getTargetType()) + got(m);
            return m.getPath().isEmpty() ? "request body: " + expected
                    : "field \"" + path(m) + "\" of request body: " + expected;
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "field \"" + path(m) + "\" of request body: " + firstLine(m.getOriginalMessage());
        }
        return "cannot read request body: " + firstLine(e.getOriginalMessage());
    }

    /** A Java type in JSON's words: what the caller should have sent. */
    private static String kindOf(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object"; // records and maps
    }

    /** ", got an array" from Jackson's "... from Array value (token ...)", or nothing. */
    private static String got(MismatchedInputException e) {
        if (e instanceof InvalidNullException) {
            return ", got null";
        }
        String message = e.getOriginalMessage();
        var m = JACKSON_INPUT.matcher(message == null ? "" : message);
        if (!m.find()) {
            return "";
        }
        return ", got " + GOT.getOrDefault(m.group(1), "something else");
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
