package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/** Keeping idle connections alive: Grizzly's idle timeout lifted for websockets, and the server's own pings. */
class ConnectionLifecycleTest {

    /**
     * Grizzly's keep-alive idle timeout (1 s here) closes a plain HTTP connection on the same listener, opened after the
     * websocket; the websocket, idle for longer, stays open. So the test waits exactly as long as the timeout takes to
     * fire, and proves both that it still fires and that upgraded connections are exempt.
     */
    @Test
    void anIdleWebsocketOutlivesGrizzlysKeepAliveIdleTimeout() throws Exception {
        // Pings far apart, so that nothing but the exemption keeps the connection open.
        WebSocketSettings settings = new WebSocketSettings(65536, Duration.ofMinutes(5));
        try (TestServer server = new TestServer(settings, 1)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice)) {
                awaitIdleTimeoutOfAPlainHttpConnection(server.port, Duration.ofSeconds(30));

                assertThat(a.closeCode).isNotDone();
                a.sendJson(Map.of("action", "text_message", "message_body", "still there?",
                        "receiver_id", bob.id().toString()));
                JsonNode conf = a.next();
                assertThat(conf.get("action").asText()).isEqualTo("conf_message");
            }
        }
    }

    /**
     * Sends one keep-alive HTTP request over a raw socket and reads until the server closes the connection, which only
     * the idle timeout does; fails if that takes longer than {@code deadline}.
     */
    private static void awaitIdleTimeoutOfAPlainHttpConnection(int port, Duration deadline) throws IOException {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout((int) deadline.toMillis());
            plain.getOutputStream().write(("GET /anything HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            InputStream in = plain.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    received.write(b);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("Grizzly's keep-alive idle timeout never closed a plain HTTP connection", e);
            }
            assertThat(received.toString(StandardCharsets.US_ASCII))
                    .as("the plain connection was answered, then closed while idle")
                    .startsWith("HTTP/1.1 200").contains("rest");
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
                                .isNegative());
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
