package io.netmgr.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM running {@link LmdbStoreChild} on this test's classpath, so that tests see the
 * store from a second process. Its stdout is read line by line; its stderr goes to a file that
 * failures quote. Closing it kills it if it still runs.
 */
final class ChildJvm implements AutoCloseable {

    private static final String EOF = new String("end of output");

    private final Process process;
    private final Path stderr;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.outputWriter(UTF_8);
        Thread reader = new Thread(this::readStdout, "child-stdout " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code LmdbStoreChild args...}; {@code logDir} receives its stderr. */
    static ChildJvm start(Path logDir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                // small and quick to start: the machine is shared
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // a child that crashes (the SIGBUS the frozen-store test guards against) writes its
                // report beside its stderr, not into the module directory where git would see it
                "-XX:ErrorFile=" + logDir.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"),
                LmdbStoreChild.class.getName()));
        command.addAll(List.of(args));
        try {
            Path stderr = Files.createTempFile(logDir, "child-", ".stderr");
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            return new ChildJvm(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void readStdout() {
        try (BufferedReader in = process.inputReader(UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                stdout.add(line);
            }
        } catch (IOException e) {
            // the child died mid-line: what was read is what it reported
        } finally {
            stdout.add(EOF);
        }
    }

    /** The child's next line of output; fails if none comes within {@code wait}. */
    String nextLine(Duration wait) {
        String line;
        try {
            line = stdout.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (line == null || line == EOF) {
            if (line == EOF) {
                stdout.add(EOF);
            }
            throw new AssertionError((line == null ? "no output within " + wait : "no more output")
                    + " from child " + process.pid() + "; its stderr:\n" + stderr());
        }
        return line;
    }

    /** Every line the child printed that was not read yet, once its output has ended. */
    List<String> remainingLines(Duration wait) {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line;
            try {
                line = stdout.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (line == null) {
                throw new AssertionError("output of child " + process.pid() + " did not end within " + wait);
            }
            if (line == EOF) {
                stdout.add(EOF);
                return lines;
            }
            lines.add(line);
        }
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to child " + process.pid(), e);
        }
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then waits until it is gone. */
    void killNine() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    int awaitExit(Duration wait) {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child " + process.pid() + " still runs after " + wait + "; its stderr:\n" + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            killNine();
        }
    }
}
