package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.netlink.addr.IpPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies, error mapping and configuration; nothing here needs root. */
class RequestParsingTest {
    record Body(String name, boolean internal) {
    }

    @Test
    void strictBodiesNameTheUnknownFieldAndTheKnownOnes() {
        assertThatThrownBy(() -> JsonBodies.read(JsonBodies.STRICT, "{\"name\":\"a\",\"nmae\":1}", Body.class))
                .isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(JsonBodies.describe((JsonProcessingException) e))
                        .isEqualTo("unknown field \"nmae\" in request body; known fields: internal, name"));
    }

    @Test
    void malformedAndMistypedBodiesSayWhereAndWhat() {
        assertThatThrownBy(() -> JsonBodies.read(JsonBodies.STRICT, "{\"name\": }", Body.class))
                .satisfies(e -> assertThat(JsonBodies.describe((JsonProcessingException) e)).startsWith("malformed JSON in request body at line 1 column"));
        assertThatThrownBy(() -> JsonBodies.read(JsonBodies.STRICT, "{\"internal\": [1]}", Body.class))
                .satisfies(e -> assertThat(JsonBodies.describe((JsonProcessingException) e)).startsWith("field \"internal\" of request body"));
        assertThatThrownBy(() -> JsonBodies.read(JsonBodies.STRICT, "  ", Body.class)).hasMessageContaining("request body is empty");
    }

    @Test
    void dockerBodiesAreCaseInsensitiveAndIgnoreUnknownFields() throws Exception {
        Body b = JsonBodies.read(JsonBodies.DOCKER, "{\"NAME\":\"x\",\"Internal\":true,\"CheckDuplicate\":true}", Body.class);
        assertThat(b).isEqualTo(new Body("x", true));
    }

    @Test
    void failuresMapToDockersStatusCodes() {
        assertThat(HttpError.of(NetmgrException.notFound("network x not found"), 500)).isEqualTo(new HttpError(404, "network x not found"));
        assertThat(HttpError.of(NetmgrException.conflict("c"), 500).status()).isEqualTo(409);
        assertThat(HttpError.of(NetmgrException.forbidden("f"), 500).status()).isEqualTo(403);
        assertThat(HttpError.of(NetmgrException.invalid("i"), 500).status()).isEqualTo(400);
        assertThat(HttpError.of(IpamException.poolOverlap(IpPrefix.parse("10.0.0.0/16"), "a", IpPrefix.parse("10.0.0.0/24")), 500).status())
                .isEqualTo(403);
        assertThat(HttpError.of(new IllegalArgumentException("bad"), 500)).isEqualTo(new HttpError(400, "bad"));
        assertThat(HttpError.of(null, 413).message()).contains("too large");
        assertThat(HttpError.of(new IllegalStateException("boom"), 0).status()).isEqualTo(500);
    }

    @Test
    void flagsWinOverTheConfigFileWhichWinsOverDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("netmgrd.json");
        Files.writeString(file, "{\"socket\":\"/tmp/a.sock\",\"stateDir\":\"/tmp/state\"}");
        assertThat(DaemonConfig.load(file, true, Optional.of(Path.of("/tmp/b.sock")), Optional.empty()))
                .isEqualTo(new DaemonConfig(Path.of("/tmp/b.sock"), Path.of("/tmp/state"), Optional.empty()));
        assertThat(DaemonConfig.load(dir.resolve("absent.json"), false, Optional.empty(), Optional.empty()))
                .isEqualTo(new DaemonConfig(DaemonConfig.DEFAULT_SOCKET, DaemonConfig.DEFAULT_STATE_DIR, Optional.empty()));
        assertThatThrownBy(() -> DaemonConfig.load(dir.resolve("absent.json"), true, Optional.empty(), Optional.empty()))
                .hasMessageContaining("does not exist");
        Files.writeString(file, "{\"dockerPlugin\":\"/run/docker/plugins/netmgr.sock\"}");
        assertThat(DaemonConfig.load(file, true, Optional.empty(), Optional.empty()).dockerPlugin())
                .contains(Path.of("/run/docker/plugins/netmgr.sock"));
        assertThat(DaemonConfig.load(file, true, Optional.empty(), Optional.empty(), Optional.of(Path.of("/tmp/p.sock"))).dockerPlugin())
                .contains(Path.of("/tmp/p.sock"));
        Files.writeString(file, "{\"sokcet\":\"/x\"}");
        assertThatThrownBy(() -> DaemonConfig.load(file, true, Optional.empty(), Optional.empty())).hasMessageContaining("sokcet");
    }

    private static String refusal(String body) {
        try {
            JsonBodies.read(JsonBodies.STRICT, body, Body.class);
        } catch (JsonProcessingException e) {
            return JsonBodies.describe(e);
        }
        return null; // accepted
    }

    @Test
    void aValueOfAnotherKindIsRefusedInJsonsWordsNotJavas() {
        assertThat(refusal("{\"name\": 5}")).isEqualTo("field \"name\" of request body: expected a string, got a number");
        assertThat(refusal("{\"name\": [\"a\"]}")).isEqualTo("field \"name\" of request body: expected a string, got an array");
        assertThat(refusal("{\"internal\": \"yes\"}")).startsWith("field \"internal\" of request body: expected true or false");
        assertThat(refusal("{\"internal\": 1}")).startsWith("field \"internal\" of request body: expected true or false");
        assertThat(refusal("[]")).isEqualTo("request body: expected an object, got an array");
    }

    /** A body with a map and a list of objects, as a network's options and subnets. */
    record WithContents(java.util.Map<String, String> options, java.util.List<Body> subnets) {
    }

    @Test
    void aNullInsideAMapOrArrayIsRefusedByNameOnBothApis() {
        // both reached the handlers as null elements and were answered 500 with a Java message
        for (var mapper : java.util.List.of(JsonBodies.STRICT, JsonBodies.DOCKER)) {
            String options = mapper == JsonBodies.STRICT ? "options" : "Options"; // each API's own spelling
            String subnets = mapper == JsonBodies.STRICT ? "subnets" : "Subnets";
            assertThatThrownBy(() -> JsonBodies.read(mapper, "{\"" + options + "\": {\"vxlan.id\": null}}", WithContents.class))
                    .satisfies(e -> assertThat(JsonBodies.describe((JsonProcessingException) e)).isEqualTo(
                            "field \"" + options + ".vxlan.id\" of request body: expected a string, got null"));
            assertThatThrownBy(() -> JsonBodies.read(mapper, "{\"" + subnets + "\": [null]}", WithContents.class))
                    .satisfies(e -> assertThat(JsonBodies.describe((JsonProcessingException) e)).isEqualTo(
                            "field \"" + subnets + "[0]\" of request body: expected an object, got null"));
        }
        assertThat(refusal("{\"name\": null}")).as("a null field is still its absence").isNull();
    }

    @Test
    void trailingTokensAndDeepNestingAreRefused() {
        assertThat(refusal("{\"name\":\"a\"} {}")).contains("request body");
        assertThatThrownBy(() -> JsonBodies.read(JsonBodies.DOCKER, "{\"Name\":\"x\",\"Foo\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                Body.class)).satisfies(e -> assertThat(JsonBodies.describe((JsonProcessingException) e))
                .isEqualTo("request body nests objects or arrays deeper than 400 levels: send a flatter JSON object"));
    }

    @Test
    void errorsAreOneLineAndNameNoJavaClass() {
        assertThat(new HttpError(400, "invalid network name \"a\nb\"").message()).isEqualTo("invalid network name \"a\\nb\"");
        HttpError internal = HttpError.of(new IllegalStateException("add veth link x: EXFULL (exchange full)"), 500);
        assertThat(internal.status()).isEqualTo(500);
        assertThat(internal.message()).isEqualTo("internal error: add veth link x: EXFULL (exchange full) (netmgrd's log has the details)");
    }
}
