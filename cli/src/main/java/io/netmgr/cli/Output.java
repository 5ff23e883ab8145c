package io.netmgr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How commands print what the daemon answered: a table by default, {@code --format json} for
 * the JSON itself, or a Go-style template per item ({@code --format '{{.Name}}'}).
 */
final class Output {
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A table column: its header and how to get its cell from an item. */
    record Column(String header, Function<JsonNode, String> cell) {
    }

    private Output() {
    }

    /** Refuses a --format template that cannot be rendered, before the daemon is asked anything. */
    static void checkFormat(String format) {
        if (format != null && !"json".equals(format)) {
            new GoTemplate(format);
        }
    }

    /** A list of items: {@code quiet} prints only {@code quietCell} of each. */
    static void list(PrintStream out, JsonNode items, String format, boolean quiet, Function<JsonNode, String> quietCell,
                     List<Column> columns) {
        if (quiet) {
            items.forEach(i -> out.println(quietCell.apply(i)));
        } else if ("json".equals(format)) {
            out.println(pretty(items));
        } else if (format != null) {
            GoTemplate t = new GoTemplate(format);
            items.forEach(i -> out.println(t.render(i)));
        } else {
            table(out, items, columns);
        }
    }

    /** Objects to inspect: JSON by default, or a template per object. */
    static void inspect(PrintStream out, List<JsonNode> objects, String format) {
        if (format == null || "json".equals(format)) {
            out.println(pretty(PRETTY.valueToTree(objects)));
        } else {
            GoTemplate t = new GoTemplate(format);
            objects.forEach(o -> out.println(t.render(o)));
        }
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void table(PrintStream out, JsonNode items, List<Column> columns) {
        List<String[]> rows = new ArrayList<>();
        rows.add(columns.stream().map(Column::header).toArray(String[]::new));
        items.forEach(i -> rows.add(columns.stream().map(c -> c.cell().apply(i)).toArray(String[]::new)));
        int[] widths = new int[columns.size()];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == row.length - 1 ? row[c] : String.format("%-" + (widths[c] + 3) + "s", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static String shortId(JsonNode item) {
        String id = item.path("id").asText();
        return id.substring(0, Math.min(12, id.length()));
    }
}
