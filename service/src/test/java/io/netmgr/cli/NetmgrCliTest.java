package io.netmgr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    void unknownCommandExitsWithUsage() {
        Captured c = capture(() -> NetmgrCli.run("frobnicate"));
        assertThat(c.exit).isEqualTo(2);
        assertThat(c.err).contains("frobnicate");
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
