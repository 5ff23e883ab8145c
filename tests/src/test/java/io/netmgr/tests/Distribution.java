package io.netmgr.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built distribution and a way to run its launchers as a user would. */
final class Distribution {
    static final Path HOME = Path.of(System.getProperty("netmgr.dist", "../dist/target/netmgr")).toAbsolutePath().normalize();

    private Distribution() {
    }

    record Result(int exit, String out, String err) {
    }

    /** The files directly in {@code dir} (what a launcher left there), sorted; none when it does not exist. */
    static List<Path> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** Runs {@code launcher args...} with a clean-ish environment and waits up to a minute. */
    static Result run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path err = Files.createTempFile("netmgr-err", ".txt");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
