package io.netmgr.cli;

import io.netmgr.client.DaemonClient;
import io.netmgr.client.DaemonException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code netmgr} command line. */
@Command(name = "netmgr", mixinStandardHelpOptions = true, versionProvider = NetmgrCli.Version.class,
        description = "netmgr: container networks for Linux.",
        subcommands = {NetworkCommand.class, SandboxCommand.class, ServiceCommand.class, NodeCommand.class, SystemCommand.class,
                DemoCommand.class,
                CompletionCommand.class, CommandLine.HelpCommand.class})
// no run(): picocli then answers a bare `netmgr` as it does `netmgr network`, "Missing required
// subcommand" and the usage on stderr, exit 2. docker exits 0 there, but nothing was done and a
// script that lost its arguments should hear about it.
public final class NetmgrCli {

    @Option(names = {"-H", "--host"}, description = "Daemon socket, unix:///path (default: $NETMGR_HOST, else "
            + DaemonClient.DEFAULT_HOST + ").")
    String host;

    public static void main(String[] args) {
        // log records (a sysctl switched on, rules restored) as one line each, not java.util.logging's two
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and for main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new NetmgrCli()).setExecutionExceptionHandler(NetmgrCli::report);
        // everything after the sandbox is the command to run, its options included (exec b sh -c '...')
        cli.getSubcommands().get("sandbox").getSubcommands().get("exec").setStopAtPositional(true);
        return cli.execute(args);
    }

    /**
     * Failures become one line naming the command and what went wrong, not a stack trace
     * (set NETMGR_DEBUG=1 for that). Bad input exits 2, anything else (the daemon refused, or cannot be reached) 1.
     */
    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof DaemonException) {
            cmd.getErr().println("netmgr: " + e.getMessage()); // the daemon's own message says it all
            return 1;
        }
        cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
        if (System.getenv("NETMGR_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return e instanceof IllegalArgumentException ? 2 : 1;
    }

    /** The version baked into the jar's manifest by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NetmgrCli.class.getPackage().getImplementationVersion();
            return new String[] {"netmgr " + (v == null ? "(development build)" : v)};
        }
    }
}
