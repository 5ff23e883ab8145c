package io.netmgr.tests;

import io.netmgr.cni.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Execs a CNI plugin as a runtime does: CNI_* in the environment, the configuration on stdin,
 * the result or error object read from stdout. {@code extraEnv} carries netmgr's test knobs.
 */
final class CniRuntime {
    private final Path pluginDir;
    private final Map<String, String> extraEnv;

    CniRuntime(Path pluginDir, Map<String, String> extraEnv) {
        this.pluginDir = pluginDir;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /** What the plugin printed and its exit code; {@code json()} parses stdout. */
    record Outcome(int exit, String out, String err) {
        Map<String, Object> json() {
            try {
                return Json.parseObject(out);
            } catch (RuntimeException e) {
                throw new AssertionError("the plugin's stdout is not one JSON object: " + out + "\nstderr: " + err, e);
            }
        }

        Outcome assertOk() {
            if (exit != 0) {
                throw new AssertionError("plugin failed (" + exit + "): " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    Outcome exec(String type, String command, String containerId, String netns, String ifName, Map<String, Object> conf) {
        return exec(type, command, containerId, netns, ifName, conf, Map.of());
    }

    /** As above, with {@code env} added to the environment (CNI_ARGS, for one). */
    Outcome exec(String type, String command, String containerId, String netns, String ifName, Map<String, Object> conf,
            Map<String, String> env) {
        return exec(type, command, containerId, netns, ifName, Json.write(conf), env);
    }

    /** As above, with the configuration's text as given. */
    Outcome exec(String type, String command, String containerId, String netns, String ifName, String conf,
            Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(pluginDir.resolve(type).toString());
        Map<String, String> processEnv = pb.environment();
        processEnv.clear(); // a runtime passes little: PATH and CNI_*
        processEnv.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        processEnv.putAll(extraEnv);
        processEnv.putAll(env);
        Map<String, String> cni = new HashMap<>(Map.of("CNI_COMMAND", command, "CNI_PATH", pluginDir + ":/usr/lib/cni"));
        if (containerId != null) {
            cni.put("CNI_CONTAINERID", containerId);
            cni.put("CNI_IFNAME", ifName);
        }
        if (netns != null) {
            cni.put("CNI_NETNS", netns);
        }
        processEnv.putAll(cni);
        try {
            java.io.File errFile = java.io.File.createTempFile("cni-err", ".txt");
            errFile.deleteOnExit();
            pb.redirectError(errFile);
            Process p = pb.start();
            p.getOutputStream().write(conf.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(type + " " + command + " did not finish within 120 s");
            }
            String err = java.nio.file.Files.readString(errFile.toPath());
            errFile.delete();
            return new Outcome(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
