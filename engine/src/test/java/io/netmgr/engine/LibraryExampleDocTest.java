package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The library example in docs/library.md is the file LibraryExampleIT compiles and runs, word
 * for word, so the docs cannot drift from code that works.
 */
class LibraryExampleDocTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    @Test
    void theDocsBlockIsTheTestedFile() throws IOException {
        String docs = Files.readString(MODULE.resolve("../docs/library.md"));
        String example = Files.readString(MODULE.resolve("src/test/java/example/LibraryExample.java"));
        Matcher block = JAVA_BLOCK.matcher(docs);
        String shown = null;
        while (block.find()) {
            if (block.group(1).contains("class LibraryExample")) {
                shown = block.group(1);
            }
        }
        assertThat(shown).as("docs/library.md has a ```java block with class LibraryExample").isNotNull();
        assertThat(shown).isEqualTo(example);
    }
}
