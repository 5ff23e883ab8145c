package io.netmgr.netlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ip}, {@code bridge} and {@code tc} commands as an independent view of kernel state, for
 * tests only (main code never runs them). Output is {@code -j} JSON.
 */
public final class IpOracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpOracle() {
    }

    /** {@code ip -j -n NS args...} parsed. */
    public static JsonNode ip(NetNs ns, String... args) {
        return json(run(command("ip", ns, args)));
    }

    /** {@code bridge -j -n NS args...} parsed. */
    public static JsonNode bridge(NetNs ns, String... args) {
        return json(run(command("bridge", ns, args)));
    }

    /** {@code tc -j -n NS args...} parsed. */
    public static JsonNode tc(NetNs ns, String... args) {
        return json(run(command("tc", ns, args)));
    }

    /** Runs {@code ip -n NS args...} (to set up state the code under test then reads). */
    public static void ipDo(NetNs ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name(ns)));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** Runs {@code command} inside {@code ns} ({@code ip netns exec}) and returns its output. */
    public static String exec(NetNs ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name(ns)));
        cmd.addAll(List.of(command));
        return run(cmd);
    }

    private static List<String> command(String tool, NetNs ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-j", "-n", name(ns)));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String name(NetNs ns) {
        return ns.path().getFileName().toString();
    }

    private static JsonNode json(String out) {
        try {
            return out.isBlank() ? JSON.createArrayNode() : JSON.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("unparsable output: " + out, e);
        }
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
