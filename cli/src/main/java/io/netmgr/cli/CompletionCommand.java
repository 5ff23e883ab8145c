package io.netmgr.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netmgr completion bash}: the shell completion script of the whole command line
 * (commands, subcommands and options), generated from the same definitions the parser uses,
 * so it never lags behind them. zsh runs the same script through its bash compatibility.
 */
@Command(name = "completion", mixinStandardHelpOptions = true, description = {
        "Print a shell completion script.",
        "bash: source <(netmgr completion bash)  (or save it as /etc/bash_completion.d/netmgr)",
        "zsh:  source <(netmgr completion zsh)   (the same script; it loads bashcompinit)"})
final class CompletionCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new IllegalArgumentException("no completion script for shell \"" + shell + "\": give bash or zsh");
        }
        System.out.print(AutoComplete.bash("netmgr", spec.root().commandLine()));
        return 0;
    }
}
