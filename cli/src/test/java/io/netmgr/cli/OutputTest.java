package io.netmgr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tables, JSON and Go-style templates; no daemon needed. */
class OutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void templatesReadFieldsCaseInsensitivelyAndNestJson() throws Exception {
        JsonNode n = JSON.readTree("{\"name\":\"front\",\"pools\":[{\"subnet\":\"10.1.0.0/24\"}],\"labels\":{\"env\":\"t\"}}");
        assertThat(new GoTemplate("{{.Name}} {{ .labels.env }}").render(n)).isEqualTo("front t");
        assertThat(new GoTemplate("{{json .Labels}}").render(n)).isEqualTo("{\"env\":\"t\"}");
        assertThat(new GoTemplate("{{.Pools}}").render(n)).isEqualTo("[{\"subnet\":\"10.1.0.0/24\"}]");
        assertThatThrownBy(() -> new GoTemplate("{{.Nope}}").render(n)).hasMessageContaining("no field \"Nope\"");
        assertThatThrownBy(() -> new GoTemplate("{{range .Pools}}x{{end}}")).hasMessageContaining("not supported");
    }

    @Test
    void tablesAlignColumnsAndQuietPrintsIds() throws Exception {
        JsonNode items = JSON.readTree("[{\"id\":\"0123456789abcdef\",\"name\":\"front\",\"driver\":\"bridge\",\"pools\":[]},"
                + "{\"id\":\"fedcba9876543210\",\"name\":\"a\",\"driver\":\"overlay\",\"scope\":\"global\",\"pools\":[{\"subnet\":\"10.1.0.0/24\"}]}]");
        assertThat(render(out -> Output.list(out, items, null, false, Output::shortId, NetworkCommand.COLUMNS))).isEqualTo(
                "NETWORK ID     NAME    DRIVER    SCOPE    SUBNETS\n"
                + "0123456789ab   front   bridge    local    -\n"
                + "fedcba987654   a       overlay   global   10.1.0.0/24\n");
        assertThat(render(out -> Output.list(out, items, null, true, Output::shortId, NetworkCommand.COLUMNS)))
                .isEqualTo("0123456789ab\nfedcba987654\n");
        assertThat(render(out -> Output.list(out, items, "{{.Name}}", false, Output::shortId, NetworkCommand.COLUMNS)))
                .isEqualTo("front\na\n");
    }

    @Test
    void noDaemonIsExitOneWithAHintAndBadAddressesAreUsageErrors() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(NetmgrCli.run("-H", "unix:///nonexistent/netmgr.sock", "network", "ls")).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot talk to netmgrd at unix:///nonexistent/netmgr.sock")
                    .contains("is netmgrd running?");
            assertThat(NetmgrCli.run("-H", "tcp://1.2.3.4:2375", "network", "ls")).isEqualTo(2);
            assertThat(NetmgrCli.run("network", "create")).isEqualTo(2);
        } finally {
            System.setErr(oldErr);
        }
    }

    private static String render(java.util.function.Consumer<PrintStream> print) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        print.accept(new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }
}
