package io.netmgr.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code netmgr node ...}: the hosts of the cluster netmgrd belongs to. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Hosts of the cluster (netmgrd --cluster-store).",
        subcommands = {NodeCommand.Ls.class, NodeCommand.Rm.class})
final class NodeCommand {

    // as docker node ls, the asking host's id is marked with a star
    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("NODE ID", n -> Output.shortId(n) + (n.path("self").asBoolean() ? " *" : "")),
            new Output.Column("HOSTNAME", n -> n.path("hostname").asText()),
            new Output.Column("ADVERTISE ADDRESS", n -> n.path("advertiseAddress").asText()),
            new Output.Column("STATUS", n -> n.path("status").asText()));

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
            description = "List the hosts that joined the cluster: alive while their lease lives, else down.")
    static final class Ls extends ListCommand {
        @Override
        public Integer call() {
            return list("/v1/nodes", COLUMNS, n -> n.path("id").asText()); // full ids, as docker node ls -q
        }
    }

    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
            description = "Forget hosts that are down for good (id, id prefix or hostname): their membership and their endpoints'"
                    + " records; what their unfinished creations had been granted (pools, VIPs) is given back, one line each."
                    + " A live host is refused.")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "HOST") List<String> refs;

        @Override
        public Integer call() {
            // below each host, what its creations cut short had been granted and is free again
            return removeEach("nodes", refs, answer -> answer.path("released").forEach(line -> out().println("  " + line.asText())));
        }
    }
}
