package io.netmgr.cli;

import static io.netmgr.client.DaemonClient.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import io.netmgr.client.DaemonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netmgr network ...}: networks through netmgrd. */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Manage networks.",
        subcommands = {NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class,
                NetworkCommand.Rm.class, NetworkCommand.Prune.class, NetworkCommand.Connect.class,
                NetworkCommand.Disconnect.class})
final class NetworkCommand {

    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("NETWORK ID", Output::shortId),
            new Output.Column("NAME", n -> n.path("name").asText()),
            new Output.Column("DRIVER", n -> n.path("driver").asText()),
            new Output.Column("SCOPE", n -> n.path("scope").asText("local")),
            new Output.Column("SUBNETS", n -> {
                List<String> s = new ArrayList<>();
                n.path("pools").forEach(p -> s.add(p.path("subnet").asText()));
                return s.isEmpty() ? "-" : String.join(",", s);
            }));

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a network; prints its id.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = {"-d", "--driver"}, defaultValue = "bridge", description = "Driver (default: ${DEFAULT-VALUE}).") String driver;
        @Option(names = "--subnet", description = "Subnet in CIDR form; repeat for more.") List<String> subnets = new ArrayList<>();
        @Option(names = "--gateway", description = "Gateway of the subnet at the same position.") List<String> gateways = new ArrayList<>();
        @Option(names = "--ip-range", description = "Range to hand addresses out of, per subnet.") List<String> ranges = new ArrayList<>();
        @Option(names = "--internal", description = "No traffic to or from the outside.") boolean internal;
        @Option(names = "--ipv6", description = "Enable IPv6.") boolean ipv6;
        // a KEY alone is KEY="", as docker's --opt and --label take it (-o encrypted)
        @Option(names = {"-o", "--opt"}, mapFallbackValue = "", description = "Driver option KEY=VALUE (KEY alone: an empty value).")
        Map<String, String> options = new LinkedHashMap<>();
        @Option(names = "--label", mapFallbackValue = "", description = "Label KEY=VALUE (KEY alone: an empty value).")
        Map<String, String> labels = new LinkedHashMap<>();

        @Override
        public Integer call() {
            if (gateways.size() > subnets.size() || ranges.size() > subnets.size()) {
                throw new IllegalArgumentException("each --gateway and --ip-range needs a --subnet before it");
            }
            List<Map<String, String>> s = new ArrayList<>();
            for (int i = 0; i < subnets.size(); i++) {
                Map<String, String> one = new LinkedHashMap<>();
                one.put("subnet", subnets.get(i));
                if (i < gateways.size()) {
                    one.put("gateway", gateways.get(i));
                }
                if (i < ranges.size()) {
                    one.put("ipRange", ranges.get(i));
                }
                s.add(one);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("driver", driver);
            body.put("subnets", s);
            body.put("options", options);
            body.put("labels", labels);
            body.put("internal", internal);
            body.put("ipv6", ipv6);
            out().println(daemon().post("/v1/networks", body).path("id").asText());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List networks.")
    static final class Ls extends ListCommand {
        @Option(names = {"-f", "--filter"}, description = "name=, id=, driver= or label= (KEY or KEY=VALUE).") Map<String, String> filters = new LinkedHashMap<>();

        @Override
        public Integer call() {
            return list("/v1/networks" + query(filters), COLUMNS);
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show networks in detail (JSON).")
    static final class Inspect extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "NETWORK") List<String> refs;
        @Option(names = {"-f", "--format"}, description = "json (default), or a template such as '{{.Name}}'.") String format;

        @Override
        public Integer call() {
            return inspectEach("networks", refs, format);
        }
    }

    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, description = "Remove networks.")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "NETWORK") List<String> refs;

        @Override
        public Integer call() {
            return removeEach("networks", refs);
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true, description = "Remove every network without endpoints (not bridge, host, none).")
    static final class Prune extends ClientCommand {
        @Option(names = {"-f", "--force"}, description = "Accepted for Docker habits; netmgr does not ask.") boolean force;

        @Override
        public Integer call() {
            JsonNode removed = daemon().post("/v1/networks/prune", Map.of()).path("removed");
            if (!removed.isEmpty()) {
                out().println("Deleted Networks:");
            }
            removed.forEach(n -> out().println(n.asText()));
            return 0;
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Connect a sandbox to a network: an endpoint named after the sandbox, joined to it.")
    static final class Connect extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NETWORK") String network;
        @Parameters(index = "1", paramLabel = "SANDBOX") String sandbox;
        @Option(names = "--ip", description = "IPv4 address.") String ip;
        @Option(names = "--ip6", description = "IPv6 address.") String ip6;
        @Option(names = "--alias", description = "Alias on this network; repeat for more.") List<String> aliases = new ArrayList<>();
        @Option(names = {"-p", "--publish"}, description = "Publish a port: [HOST_IP:]HOST_PORT:PORT[/PROTO]; repeat for more.") List<String> ports = new ArrayList<>();
        @Option(names = "--route", paramLabel = "DST[,via=GW]",
                description = "A route in the sandbox, via the network's gateway unless given; repeat for more.") List<String> routes = new ArrayList<>();
        @Option(names = "--ingress-rate", paramLabel = "BITS/S", description = "Limit traffic into the sandbox to this rate.") long ingressRate;
        @Option(names = "--ingress-burst", paramLabel = "BITS", description = "Burst of the ingress limit (at least the MTU's).") long ingressBurst;
        @Option(names = "--egress-rate", paramLabel = "BITS/S", description = "Limit traffic out of the sandbox to this rate.") long egressRate;
        @Option(names = "--egress-burst", paramLabel = "BITS", description = "Burst of the egress limit (at least the MTU's).") long egressBurst;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("network", network);
            body.put("name", sandbox);
            body.put("sandbox", sandbox);
            body.put("ipv4", ip);
            body.put("ipv6", ip6);
            body.put("aliases", aliases);
            body.put("ports", ports);
            body.put("routes", routes);
            if (ingressRate != 0 || ingressBurst != 0 || egressRate != 0 || egressBurst != 0) {
                body.put("bandwidth", Map.of("ingressRate", ingressRate, "ingressBurst", ingressBurst,
                        "egressRate", egressRate, "egressBurst", egressBurst));
            }
            JsonNode e = daemon().post("/v1/endpoints", body);
            out().println(e.path("id").asText());
            return 0;
        }
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true, description = "Disconnect a sandbox from a network (its endpoint is removed).")
    static final class Disconnect extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NETWORK") String network;
        @Parameters(index = "1", paramLabel = "SANDBOX") String sandbox;

        @Override
        public Integer call() {
            DaemonClient d = daemon();
            JsonNode endpoints = d.get("/v1/endpoints" + query(Map.of("network", network, "sandbox", sandbox)));
            if (endpoints.isEmpty()) {
                throw new DaemonException(404, "sandbox " + sandbox + " is not connected to network " + network);
            }
            for (JsonNode e : endpoints) {
                d.delete("/v1/endpoints/" + e.path("id").asText());
            }
            return 0;
        }
    }
}
