package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Go's text/template that {@code --format} users type: {@code {{.Name}}},
 * {@code {{.IPAM.Config}}}, {@code {{json .Labels}}}, {@code {{.}}}. Field names match
 * case-insensitively, so Docker habits ({@code .Name}) work on netmgr's JSON ({@code name}).
 */
final class GoTemplate {
    private static final Pattern ACTION = Pattern.compile("\\{\\{\\s*(json\\s+)?(\\.[A-Za-z0-9_.]*)\\s*}}");
    private static final Pattern ANY_ACTION = Pattern.compile("\\{\\{.*?}}");

    private final String template;

    GoTemplate(String template) {
        String rest = ACTION.matcher(template).replaceAll("");
        Matcher unsupported = ANY_ACTION.matcher(rest);
        if (unsupported.find()) {
            throw new IllegalArgumentException("--format: " + unsupported.group() + " is not supported; use {{.Field}}, "
                    + "{{.Field.Sub}}, {{json .Field}} or {{.}}");
        }
        if (rest.contains("{{")) {
            throw new IllegalArgumentException("--format: \"{{\" is never closed; write {{.Field}}");
        }
        this.template = template;
    }

    String render(JsonNode node) {
        Matcher m = ACTION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = lookup(node, m.group(2));
            String text = m.group(1) != null || value.isContainerNode() ? value.toString() : value.isNull() || value.isMissingNode() ? "<no value>" : value.asText();
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static JsonNode lookup(JsonNode node, String path) {
        JsonNode current = node;
        for (String field : path.substring(1).split("\\.")) {
            if (field.isEmpty()) {
                continue;
            }
            current = field(current, field);
        }
        return current;
    }

    private static JsonNode field(JsonNode node, String name) {
        if (node.has(name)) {
            return node.get(name);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("--format: no field \"" + name + "\" in " + fieldNames(node));
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder b = new StringBuilder();
        node.fieldNames().forEachRemaining(n -> b.append(b.length() == 0 ? "" : ", ").append(n));
        return "{" + b + "}";
    }
}
