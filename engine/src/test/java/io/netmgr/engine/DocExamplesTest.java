package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each code example of the docs is, word for word, a file that an integration test compiles and
 * runs (LibraryExampleIT, NetlinkExampleIT), so a page cannot drift from code that works.
 */
class DocExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).resolve("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    @ParameterizedTest(name = "{0} shows {1}")
    @CsvSource({
        "docs/library.md, engine/src/test/java/example/LibraryExample.java",
        "docs/netlink.md, netlink/src/test/java/example/NetlinkExample.java",
    })
    void thePagesBlockIsTheTestedFile(String page, String source) throws IOException {
        String file = Files.readString(ROOT.resolve(source));
        String className = Path.of(source).getFileName().toString().replace(".java", "");
        Matcher block = JAVA_BLOCK.matcher(Files.readString(ROOT.resolve(page)));
        String shown = null;
        while (block.find()) {
            if (block.group(1).contains("class " + className + " ")) {
                shown = block.group(1);
            }
        }
        assertThat(shown).as("%s has a ```java block with class %s", page, className).isNotNull();
        assertThat(shown).as("the example in %s, against %s", page, source).isEqualTo(file);
    }
}
