package io.netmgr.daemon.task;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** What each task of a service runs: a program and its arguments, as after {@code --} on the command line. */
public record TaskCommand(List<String> argv) {
    public TaskCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("command: empty; give the program each task runs, e.g. -- busybox httpd -f -p 80");
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command: argument \"" + a.replace("\0", "\\0")
                        + "\" holds a NUL character, which no program can receive; remove it");
            }
        }
    }

    public String program() {
        return argv.get(0);
    }

    /**
     * The program's file, found as a shell would ({@code /} in the name: that path; else the
     * first executable file of that name on {@code searchPath}); refused with the reason when
     * there is none, so a service is not created with tasks that can never start.
     */
    public Path executable(String searchPath) {
        String p = program();
        if (p.contains("/")) {
            Path file = path(p);
            if (!Files.exists(file)) {
                throw new IllegalArgumentException("command: " + p + " does not exist; give the path of a program installed on this host");
            }
            if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
                throw new IllegalArgumentException("command: " + p + " is not an executable file; give a program "
                        + "(chmod +x it, or run a script through its interpreter, e.g. -- sh " + p + ")");
            }
            return file;
        }
        for (String dir : searchPath.split(":")) {
            Path file = path(dir.isEmpty() ? "." : dir).resolve(p);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return file;
            }
        }
        throw new IllegalArgumentException("command: " + p + " not found in netmgrd's PATH (" + searchPath
                + "); install it or give its absolute path");
    }

    private static Path path(String p) {
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("command: \"" + p + "\" is not a valid path: " + e.getReason());
        }
    }
}
