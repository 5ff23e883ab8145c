package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to netmgrd: finds it through {@code -H}, {@code NETMGR_HOST} or the default socket. */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    DaemonClient daemon() {
        NetmgrCli root = (NetmgrCli) spec.root().userObject();
        return DaemonClient.connect(root.host, System.getenv());
    }

    /** {@code inspect}: each of {@code refs} read from {@code /v1/COLLECTION/REF}, printed as JSON or through {@code format}. */
    int inspectEach(String collection, List<String> refs, String format) {
        Output.checkFormat(format);
        DaemonClient d = daemon();
        List<JsonNode> found = new ArrayList<>();
        for (String ref : refs) {
            found.add(d.get("/v1/" + collection + "/" + DaemonClient.segment(ref)));
        }
        Output.inspect(out(), found, format);
        return 0;
    }

    /** {@code rm}: each of {@code refs} deleted at {@code /v1/COLLECTION/REF} and named once gone; see {@link Each}. */
    int removeEach(String collection, List<String> refs) {
        return removeEach(collection, refs, answer -> { });
    }

    /** {@link #removeEach(String, List)}, then {@code more} prints what the daemon's answer adds below the ref. */
    int removeEach(String collection, List<String> refs, Consumer<JsonNode> more) {
        return Each.run(refs, ref -> {
            JsonNode answer = daemon().delete("/v1/" + collection + "/" + DaemonClient.segment(ref));
            out().println(ref);
            more.accept(answer);
        });
    }

    PrintStream out() {
        return System.out; // read at each call: tests swap it
    }
}
