package io.netmgr.cli;

import static io.netmgr.client.DaemonClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netmgr service ...}: swarm-style services through netmgrd. */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Manage services: virtual IPs, backends, published ports.",
        subcommands = {ServiceCommand.Create.class, ServiceCommand.Ls.class, ServiceCommand.Inspect.class, ServiceCommand.Ps.class,
                ServiceCommand.Rm.class, ServiceCommand.Publish.class, ServiceCommand.Unpublish.class, ServiceCommand.Attach.class,
                ServiceCommand.Detach.class, ServiceScaleCommand.class, ServiceLogsCommand.class})
final class ServiceCommand {

    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("SERVICE ID", Output::shortId),
            new Output.Column("NAME", s -> s.path("name").asText()),
            new Output.Column("MODE", s -> s.path("endpointMode").asText()),
            new Output.Column("VIPS", s -> join(s.path("vips"), v -> v.path("address").asText())),
            new Output.Column("BACKENDS", s -> Integer.toString(s.path("backends").size())),
            new Output.Column("PORTS", s -> join(s.path("ports"), p -> p.path("mode").asText() + ":" + p.path("published").asText()
                    + "->" + p.path("target").asText() + "/" + p.path("protocol").asText())));

    static final List<Output.Column> BACKEND_COLUMNS = List.of(
            new Output.Column("SANDBOX", b -> b.path("sandbox").asText()),
            new Output.Column("ADDRESS", b -> b.path("address").asText()),
            new Output.Column("HOST", b -> b.path("host").asText()),
            new Output.Column("STATE", b -> b.path("state").asText()));

    private static String join(JsonNode items, java.util.function.Function<JsonNode, String> cell) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(cell.apply(i)));
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a service; prints its id.")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--network", required = true, paramLabel = "NET",
                description = "A network of the service (a virtual IP on each); repeat for more.") List<String> networks = new ArrayList<>();
        @Option(names = "--vip", paramLabel = "NET=ADDRESS", description = "The virtual IP wanted on a network (any free one otherwise).")
        Map<String, String> vips = new LinkedHashMap<>();
        @Option(names = {"-p", "--publish"}, paramLabel = "[mode=ingress|host,]PUBLISHED:TARGET[/tcp|/udp]",
                description = "Publish a port; repeat for more.") List<String> ports = new ArrayList<>();
        @Option(names = "--endpoint-mode", paramLabel = "vip|dnsrr", defaultValue = "vip",
                description = "vip (default): a virtual IP balanced over the backends; dnsrr: DNS alone.") String endpointMode;
        @Option(names = "--label", mapFallbackValue = "", description = "Label KEY=VALUE (KEY alone: an empty value).")
        Map<String, String> labels = new LinkedHashMap<>();
        @Option(names = "--replicas", paramLabel = "N",
                description = "Run N tasks of the command given after --, each in a sandbox of its own (NAME.1, NAME.2...).") Integer replicas;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND",
                description = "After --: the program each task runs, and its arguments.") List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            if (replicas != null && command.isEmpty()) {
                throw new IllegalArgumentException("--replicas " + replicas + " needs the tasks' command: write --replicas "
                        + replicas + " -- COMMAND [ARG...]");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("networks", networks);
            body.put("vips", vips);
            body.put("publish", ports);
            body.put("endpointMode", endpointMode);
            body.put("labels", labels);
            if (!command.isEmpty()) {
                body.put("replicas", replicas == null ? 1 : replicas);
                body.put("command", command);
            }
            out().println(daemon().post("/v1/services", body).path("id").asText());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List services.")
    static final class Ls extends ListCommand {
        @Override
        public Integer call() {
            return list("/v1/services", COLUMNS);
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show services in detail (JSON).")
    static final class Inspect extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> refs;
        @Option(names = {"-f", "--format"}, description = "json (default), or a template such as '{{.Name}}'.") String format;

        @Override
        public Integer call() {
            return inspectEach("services", refs, format);
        }
    }

    @Command(name = "ps", mixinStandardHelpOptions = true, description = "List a service's backends: sandbox, address, host, state; for its tasks also pid, restarts and last exit.")
    static final class Ps extends ClientCommand {
        @Parameters(paramLabel = "SERVICE") String ref;
        @Option(names = "--format", description = "json, or a template such as '{{.Sandbox}}'.") String format;

        @Override
        public Integer call() {
            Output.checkFormat(format);
            DaemonClient d = daemon();
            JsonNode backends = d.get("/v1/services/" + segment(ref) + "/backends");
            JsonNode tasks = d.get("/v1/services/" + segment(ref) + "/tasks");
            if (format == null) {
                backends = HostColumn.byAdvertiseAddress(d, backends);
            }
            if (tasks.isEmpty()) {
                Output.list(out(), backends, format, false, b -> b.path("sandbox").asText(), BACKEND_COLUMNS);
            } else {
                Output.list(out(), TaskRows.of(tasks, backends), format, false, b -> b.path("sandbox").asText(), TaskRows.COLUMNS);
            }
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, description = "Remove services (rules and VIPs go).")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> refs;

        @Override
        public Integer call() {
            return removeEach("services", refs);
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a port of a running service; its backends stay.")
    static final class Publish extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SERVICE") String ref;
        @Parameters(index = "1", paramLabel = "PUBLISHED:TARGET[/PROTO]") String port;
        @Option(names = "--mode", paramLabel = "ingress|host", defaultValue = "ingress", description = "Default: ${DEFAULT-VALUE}.") String mode;

        @Override
        public Integer call() {
            daemon().post("/v1/services/" + segment(ref) + "/publish", Map.of("port", port, "mode", mode));
            return 0;
        }
    }

    @Command(name = "unpublish", mixinStandardHelpOptions = true, description = "Stop publishing a port of a service.")
    static final class Unpublish extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SERVICE") String ref;
        @Parameters(index = "1", paramLabel = "PUBLISHED[/PROTO]") String port;

        @Override
        public Integer call() {
            daemon().post("/v1/services/" + segment(ref) + "/unpublish", Map.of("port", port));
            return 0;
        }
    }

    /** attach and detach: one sandbox in or out of a service's backends. */
    abstract static class Membership extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SERVICE") String ref;
        @Parameters(index = "1", paramLabel = "SANDBOX") String sandbox;

        abstract String action();

        @Override
        public Integer call() {
            daemon().post("/v1/services/" + segment(ref) + "/" + action(), Map.of("sandbox", sandbox));
            return 0;
        }
    }

    @Command(name = "attach", mixinStandardHelpOptions = true,
            description = "Make a sandbox a backend; it must already be on one of the service's networks.")
    static final class Attach extends Membership {
        @Override
        String action() {
            return "attach";
        }
    }

    @Command(name = "detach", mixinStandardHelpOptions = true,
            description = "Take a sandbox out of a service's backends: no new connection reaches it, its flows are dropped.")
    static final class Detach extends Membership {
        @Override
        String action() {
            return "detach";
        }
    }
}
