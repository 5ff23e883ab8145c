package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netmgr system ...}: the daemon and the host it manages. */
@Command(name = "system", mixinStandardHelpOptions = true, description = "Daemon information and host checks.",
        subcommands = {SystemCommand.Info.class, SystemCommand.Doctor.class})
final class SystemCommand {

    @Command(name = "info", mixinStandardHelpOptions = true, description = "What netmgrd runs and manages.")
    static final class Info extends ClientCommand {
        @Option(names = "--format", description = "json, or a template such as '{{.Version}}'.") String format;

        @Override
        public Integer call() {
            JsonNode info = daemon().get("/v1/info");
            if ("json".equals(format)) {
                out().println(Output.pretty(info));
            } else if (format != null) {
                out().println(new GoTemplate(format).render(info));
            } else {
                print("", info);
            }
            return 0;
        }

        // one line per field; an object's fields as parent.child (cluster.store), a null as "-"
        private void print(String prefix, JsonNode node) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isObject()) {
                    print(prefix + f.getKey() + ".", f.getValue());
                } else {
                    out().printf("%-15s %s%n", prefix + f.getKey(), f.getValue().isNull() ? "-" : f.getValue().asText());
                }
            }
        }
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true,
            description = "Check what netmgr needs from the host; says how to fix what is missing. Exits 1 if a check fails.")
    static final class Doctor extends ClientCommand {
        @Option(names = "--format", description = "json for the checks as JSON.") String format;

        @Override
        public Integer call() {
            JsonNode checks = daemon().get("/v1/system/doctor").path("checks");
            boolean allOk = true;
            if ("json".equals(format)) {
                out().println(Output.pretty(checks));
            }
            for (JsonNode c : checks) {
                boolean ok = c.path("ok").asBoolean();
                allOk &= ok;
                if (!"json".equals(format)) {
                    out().printf("%-4s %-17s %s%n", ok ? "ok" : "FAIL", c.path("name").asText(), c.path("found").asText());
                    if (!ok) {
                        out().printf("     fix: %s%n", c.path("fix").asText());
                    }
                }
            }
            return allOk ? 0 : 1;
        }
    }
}
