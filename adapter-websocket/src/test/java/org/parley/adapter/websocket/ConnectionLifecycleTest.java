package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/** Keeping idle connections alive: Grizzly's idle timeout lifted for websockets, and the server's own pings. */
class ConnectionLifecycleTest {

    @Test
    void anIdleWebsocketOutlivesGrizzlysKeepAliveIdleTimeout() throws Exception {
        // Pings far apart, so that nothing but the exemption keeps the connection open.
        WebSocketSettings settings = new WebSocketSettings(65536, Duration.ofMinutes(5));
        try (TestServer server = new TestServer(settings, 1)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice)) {
                Thread.sleep(3_500);

                assertThat(a.closeCode).isNotDone();
                a.sendJson(Map.of("action", "text_message", "message_body", "still there?",
                        "receiver_id", bob.id().toString()));
                JsonNode conf = a.next();
                assertThat(conf.get("action").asText()).isEqualTo("conf_message");
            }
        }
    }

    /**
     * Tyrus schedules an idle-timeout task after every frame unless a session's idle timeout is negative (0 is not
     * enough): every connection must get the negative one, and still work.
     */
    @Test
    void sessionsHaveNoTyrusIdleTimeoutSoNoTaskIsScheduledPerFrame() throws Exception {
        try (TestServer server = new TestServer(new WebSocketSettings(65536, Duration.ofMinutes(5)))) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice); WsClient b = server.connect(bob)) {
                a.sendJson(Map.of("action", "text_message", "message_body", "hi", "receiver_id", bob.id().toString()));
                assertThat(a.next().get("action").asText()).isEqualTo("conf_message");
                assertThat(b.next().get("action").asText()).isEqualTo("re_message");

                assertThat(server.connections.all()).hasSize(2).allSatisfy(connection ->
                        assertThat(connection.session().getMaxIdleTimeout())
                                .isEqualTo(EmbeddedTyrusContainer.NO_IDLE_TIMEOUT));
            }
        }
    }

    @Test
    void theServerPingsEveryConnectionAndKeepsThoseThatAnswer() throws Exception {
        WebSocketSettings settings = new WebSocketSettings(65536, Duration.ofMillis(200));
        try (TestServer server = new TestServer(settings)) {
            User alice = server.user("alice");
            try (WsClient a = server.connect(alice)) {
                Thread.sleep(1_500);

                // The JDK client answers each ping with a pong, so the connection outlives two intervals many times.
                assertThat(a.pings.get()).isGreaterThanOrEqualTo(3);
                assertThat(a.closeCode).isNotDone();
                assertThat(server.connections.count()).isEqualTo(1);
            }
        }
    }
}
