package io.netmgr.cli;

import static io.netmgr.client.DaemonClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import io.netmgr.netlink.ns.NamespaceEntry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netmgr sandbox ...}: sandboxes (network namespaces) through netmgrd. */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Manage sandboxes (a container's network namespace).",
        subcommands = {SandboxCommand.Create.class, SandboxCommand.Ls.class, SandboxCommand.Inspect.class,
                SandboxCommand.Rm.class, SandboxCommand.Exec.class})
final class SandboxCommand {

    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("SANDBOX ID", Output::shortId),
            new Output.Column("NAME", s -> s.path("name").asText()),
            new Output.Column("NAMESPACE", s -> s.path("namespacePath").asText()),
            new Output.Column("OWNED", s -> s.path("owned").asBoolean() ? "yes" : "no"));

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a sandbox; prints its id.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--netns", description = "Adopt this namespace (a path such as /proc/PID/ns/net) instead of making one.") String netns;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (netns != null) {
                body.put("namespacePath", netns);
            }
            out().println(daemon().post("/v1/sandboxes", body).path("id").asText());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List sandboxes.")
    static final class Ls extends ListCommand {
        @Override
        public Integer call() {
            return list("/v1/sandboxes", COLUMNS);
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show sandboxes and their endpoints (JSON).")
    static final class Inspect extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SANDBOX") List<String> refs;
        @Option(names = {"-f", "--format"}, description = "json (default), or a template such as '{{.Name}}'.") String format;

        @Override
        public Integer call() {
            Output.checkFormat(format);
            DaemonClient d = daemon();
            List<JsonNode> found = new ArrayList<>();
            for (String ref : refs) {
                var s = (com.fasterxml.jackson.databind.node.ObjectNode) d.get("/v1/sandboxes/" + segment(ref));
                s.set("endpoints", d.get("/v1/endpoints" + DaemonClient.query(Map.of("sandbox", s.path("id").asText()))));
                found.add(s);
            }
            Output.inspect(out(), found, format);
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, description = "Remove sandboxes (leaving their networks).")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SANDBOX") List<String> refs;

        @Override
        public Integer call() {
            return removeEach("sandboxes", refs);
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = "Run a command inside a sandbox's network namespace (through nsenter, with the sandbox's own "
                    + "/etc/netns/NAME files such as its resolv.conf bound over /etc, as ip netns exec does); exits with its status.")
    static final class Exec extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SANDBOX") String sandbox;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND") List<String> command;

        @Override
        public Integer call() throws InterruptedException {
            // `exec SB -- cmd`: picocli stops at SB and hands the "--" on as the command's first word
            List<String> program = command.get(0).equals("--") ? command.subList(1, command.size()) : command;
            if (program.isEmpty()) {
                throw new IllegalArgumentException("no command after \"--\"; write: netmgr sandbox exec SANDBOX -- COMMAND [ARG...]");
            }
            String path = daemon().get("/v1/sandboxes/" + segment(sandbox)).path("namespacePath").asText();
            List<String> argv = NamespaceEntry.command(Path.of(path), program);
            try {
                return new ProcessBuilder(argv).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + argv.get(0) + " (util-linux): " + e.getMessage(), e);
            }
        }
    }
}
