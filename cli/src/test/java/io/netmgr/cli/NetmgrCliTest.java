package io.netmgr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line parsing and error reporting; nothing here needs root. */
class NetmgrCliTest {

    @Test
    void badSubnetIsAUsageErrorNamingTheValue() {
        Captured c = capture(() -> NetmgrCli.run("demo", "--subnet", "10.0.0.300/24"));
        assertThat(c.exit).isEqualTo(2);
        assertThat(c.err).contains("demo: bad --subnet \"10.0.0.300/24\": 300 is not an IPv4 octet").doesNotContain("at io.netmgr");
    }

    @Test
    void ipv6OrTooSmallSubnetIsRefused() {
        assertThat(capture(() -> NetmgrCli.run("demo", "--subnet", "fd00::/64")).err).contains("IPv4 subnet");
        assertThat(capture(() -> NetmgrCli.run("demo", "--subnet", "10.0.0.0/30")).err).contains("/29 or larger");
    }

    @Test
    void demoHostsOutOfRangeIsRefusedBeforeAnythingStarts() {
        Captured c = capture(() -> NetmgrCli.run("demo", "--hosts", "9"));
        assertThat(c.exit).isNotZero();
        assertThat(c.err).contains("--hosts 9: give 1 (one host) or 2 to 5 (a cluster), e.g. --hosts 3").doesNotContain("at io.netmgr");
        assertThat(capture(() -> NetmgrCli.run("demo", "--hosts", "0")).err).contains("--hosts 0: give 1");
    }

    @Test
    void anOptionOrLabelWithoutAValueIsAKeyWithAnEmptyValueAsDockerTakesIt() {
        // it was a usage error naming picocli's <String=String>; docker network create -o encrypted sends "encrypted": ""
        Captured c = capture(() -> NetmgrCli.run("-H", "unix:///nonexistent/netmgr.sock", "network", "create", "-d", "overlay",
                "-o", "encrypted", "--label", "team", "n"));
        assertThat(c.exit).as(c.err).isEqualTo(1);
        assertThat(c.err).contains("cannot talk to netmgrd").doesNotContain("KEY=VALUE format");
    }

    @Test
    void unknownCommandExitsWithUsage() {
        Captured c = capture(() -> NetmgrCli.run("frobnicate"));
        assertThat(c.exit).isEqualTo(2);
        assertThat(c.err).contains("frobnicate");
    }

    @Test
    void noArgumentsIsAUsageErrorOnStderr() {
        Captured c = capture(() -> NetmgrCli.run());
        assertThat(c.exit).isEqualTo(2);
        assertThat(c.err).startsWith("Missing required subcommand").contains("Usage: netmgr");
        assertThat(c.out).isEmpty();
    }

    @Test
    void execWithNothingAfterTheDashesIsRefusedBeforeTheDaemonIsAsked() {
        // no daemon listens on this socket: the refusal comes first
        Captured c = capture(() -> NetmgrCli.run("-H", "unix:///nonexistent/netmgr.sock", "sandbox", "exec", "sb", "--"));
        assertThat(c.exit).isEqualTo(2);
        assertThat(c.err).contains("no command after \"--\"");
    }

    @Test
    void unclosedFormatActionIsRefused() {
        Captured c = capture(() -> NetmgrCli.run("-H", "unix:///nonexistent/netmgr.sock", "network", "ls", "--format", "{{"));
        assertThat(c.exit).isEqualTo(2);
        assertThat(c.err).contains("--format: \"{{\" is never closed");
    }

    @Test
    void bashCompletesCommandsSubcommandsAndOptions(@TempDir Path dir) throws Exception {
        Captured script = capture(() -> NetmgrCli.run("completion", "bash"));
        assertThat(script.exit).as(script.err).isZero();
        Path file = dir.resolve("netmgr-completion.bash");
        Files.writeString(file, script.out);
        assertThat(complete(file, "netmgr net")).containsExactly("network");
        assertThat(complete(file, "netmgr network c")).containsExactlyInAnyOrder("create", "connect");
        assertThat(complete(file, "netmgr network create --ip")).contains("--ip-range", "--ipv6");
        assertThat(complete(file, "netmgr sandbox e")).containsExactly("exec");
        assertThat(capture(() -> NetmgrCli.run("completion", "zsh")).out).isEqualTo(script.out);
        Captured fish = capture(() -> NetmgrCli.run("completion", "fish"));
        assertThat(fish.exit).isEqualTo(2);
        assertThat(fish.err).contains("no completion script for shell \"fish\": give bash or zsh");
    }

    /** What bash offers for {@code line} (the cursor at its end) with the script loaded, as a user pressing TAB gets. */
    private static List<String> complete(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        // compopt works only inside a completion bash itself started; here the function is called directly
        String program = "source " + script + "\ncompopt() { :; }\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "; COMP_WORDS=(" + words + ");"
                + " COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "$(complete -p netmgr | sed 's/.*-F \\([^ ]*\\).*/\\1/')\n" // the function bash calls on TAB
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private record Captured(int exit, String out, String err) {
    }

    private static Captured capture(java.util.function.IntSupplier run) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = run.getAsInt();
            return new Captured(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
