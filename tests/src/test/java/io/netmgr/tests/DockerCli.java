package io.netmgr.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The docker CLI on the PATH, which the Docker tests drive as a user would. */
final class DockerCli {
    private DockerCli() {
    }

    /** Its path, or null when there is none. */
    static Path path() {
        return Stream.of(System.getenv("PATH").split(":")).map(p -> Path.of(p, "docker")).filter(Files::isExecutable)
                .findFirst().orElse(null);
    }
}
