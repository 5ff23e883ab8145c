package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** An {@code ls} of one kind of object: {@code -q} for ids only, {@code --format}, the daemon's list in columns. */
abstract class ListCommand extends ClientCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only ids.") boolean quiet;
    @Option(names = "--format", description = "json, or a template such as '{{.Name}}'.") String format;

    /** Prints the objects the daemon lists at {@code path} (short ids with -q) in {@code columns}; a bad --format asks nothing. */
    int list(String path, List<Output.Column> columns) {
        return list(path, columns, Output::shortId);
    }

    /** As {@link #list(String, List)}, {@code -q} printing {@code quietCell} of each object. */
    int list(String path, List<Output.Column> columns, Function<JsonNode, String> quietCell) {
        Output.checkFormat(format);
        Output.list(out(), daemon().get(path), format, quiet, quietCell, columns);
        return 0;
    }
}
