package io.netmgr.cli;

import static io.netmgr.client.DaemonClient.segment;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code netmgr service scale NAME=N [NAME=N...]}: docker's command, for services created with {@code --replicas N -- CMD}. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Change how many tasks of a service run (services created with --replicas N -- CMD); waits until they have.")
final class ServiceScaleCommand extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "SERVICE=REPLICAS") List<String> targets;

    @Override
    public Integer call() {
        for (String t : targets) {
            parse(t); // every argument checked before any service changes, as docker does
        }
        return Each.run(targets, t -> {
            Map.Entry<String, Integer> target = parse(t);
            daemon().post("/v1/services/" + segment(target.getKey()) + "/scale", Map.of("replicas", target.getValue()));
            out().println(target.getKey() + " scaled to " + target.getValue());
        });
    }

    static Map.Entry<String, Integer> parse(String target) {
        int eq = target.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("\"" + target + "\": write SERVICE=REPLICAS, e.g. web=3");
        }
        String count = target.substring(eq + 1);
        int replicas;
        try {
            replicas = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + target + "\": replicas \"" + count + "\" is not a whole number; write e.g. "
                    + target.substring(0, eq) + "=3");
        }
        if (replicas < 0) {
            throw new IllegalArgumentException("\"" + target + "\": replicas " + replicas + " is negative; give 0 or more");
        }
        return Map.entry(target.substring(0, eq), replicas);
    }
}
