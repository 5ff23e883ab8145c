package io.netmgr.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares rendered rules with {@code src/test/resources/golden/NAME}. Run with
 * {@code -Dgolden.update=true} to rewrite the files after a deliberate change, then review the diff.
 */
public final class GoldenFiles {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private GoldenFiles() {
    }

    public static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            assertThat(Files.exists(file)).as("golden file %s exists (create it with -Dgolden.update=true)", file).isTrue();
            assertThat(actual).as("rendering against %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
