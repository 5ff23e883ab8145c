package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.client.UnixHttpClient;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Answers the daemon's routes give when the work went wrong after it was done: over a real unix socket, no root. */
class RepliesTest {
    /** An answer Jackson cannot write: reading one of its values fails. */
    record Unwritable(String name) {
        @Override
        public String name() {
            throw new IllegalStateException("this value cannot be read");
        }
    }

    @TempDir
    Path dir;

    private Vertx vertx;
    private Blocking blocking;
    private UnixHttpClient client;

    @BeforeEach
    void serve() {
        vertx = Vertx.vertx();
        blocking = new Blocking(vertx, 2);
        Router router = Router.router(vertx);
        router.get("/unwritable").handler(ctx -> blocking.reply(ctx, 200, () -> new Unwritable("x")));
        router.get("/written").handler(ctx -> blocking.reply(ctx, 200, () -> java.util.Map.of("name", "x")));
        router.route().failureHandler(Replies::failure);
        Path socket = dir.resolve("replies.sock");
        vertx.createHttpServer().requestHandler(router).listen(SocketAddress.domainSocketAddress(socket.toString())).await();
        client = new UnixHttpClient(socket);
    }

    @AfterEach
    void stop() {
        blocking.close();
        vertx.close().await();
    }

    /** The client waited for ever: the write failed in the success handler, where nothing answered. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a deadline for the hang, not a measure of speed
    void anAnswerThatCannotBeWrittenIsA500SayingSoAndTheCauseIsLogged() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        UnixHttpClient.Response response;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            response = client.send("GET", "/unwritable", null);
        } finally {
            System.setErr(stderr);
        }

        assertThat(response.status()).isEqualTo(500);
        assertThat(new ObjectMapper().readTree(response.body()).path("message").asText())
                .isEqualTo("internal error: cannot write the answer as JSON (netmgrd's log has the details)");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("GET /unwritable failed").contains("this value cannot be read");
        // the connection and the server are fine after it
        assertThat(client.send("GET", "/written", null).text()).isEqualTo("{\"name\":\"x\"}");
    }
}
