package io.netmgr.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The demo's CLI commands, each shown as a user would type it ({@code prompt} before it: {@code $}
 * on one host, {@code host2$} on one of several), then run in this process with its output as printed.
 */
final class DemoShell {
    private final PrintStream out;

    DemoShell(PrintStream out) {
        this.out = out;
    }

    /** Runs {@code netmgr ARGS} against the daemon at {@code host} ({@code unix://...}); fails the demo if it fails. */
    void netmgr(String prompt, String host, List<String> args) {
        out.println(prompt + " netmgr " + args.stream().map(DemoShell::shellWord).collect(Collectors.joining(" ")));
        List<String> all = new ArrayList<>(List.of("-H", host));
        all.addAll(args);
        int exit = NetmgrCli.run(all.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("netmgr " + String.join(" ", args) + " failed with exit code " + exit);
        }
    }

    void netmgr(String prompt, String host, String... args) {
        netmgr(prompt, host, Arrays.asList(args));
    }

    /** {@code arg} as a user would type it in a shell: quoted when it holds a space or a $. */
    static String shellWord(String arg) {
        return arg.matches("[A-Za-z0-9_./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
