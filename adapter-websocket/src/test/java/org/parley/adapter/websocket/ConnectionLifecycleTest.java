package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.User;

/**
 * Keeping idle connections alive and dropping dead ones: Grizzly's idle timeout lifted for websockets, and the server's
 * own pings (contract §16: 4000 {@code ping timeout} after two intervals without an answer).
 */
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

    /**
     * The websocket's clock is the test's: each round of pings runs when the test moves the clock by an interval, and
     * the test waits (polling, with a generous bound) for the client's pong before the next. Nothing depends on how
     * fast a busy machine schedules threads.
     */
    @Test
    void theServerPingsEveryConnectionAndKeepsThoseThatAnswer() throws Exception {
        Duration interval = Duration.ofSeconds(30);
        try (TestServer server = manualClockServer(interval)) {
            User alice = server.user("alice");
            try (WsClient a = server.connect(alice)) {
                LiveConnection connection = server.connections.of(alice.id()).iterator().next();
                for (int round = 1; round <= 5; round++) {
                    long now = server.nanos.addAndGet(interval.toNanos());
                    server.webSocket.pingRound();
                    int expected = round;
                    HandshakeLimitsTest.awaitTrue(() -> a.pings.get() == expected, "ping " + round + " arrives");
                    // The JDK client answers each ping with a pong, which the server stamps with its clock.
                    HandshakeLimitsTest.awaitTrue(() -> connection.lastPongNanos() == now, "pong " + round);
                }

                // Five intervals have passed: far beyond two, and the connection answered every ping.
                assertThat(a.closeCode).isNotDone();
                assertThat(connection.isOpen()).isTrue();
                assertThat(server.connections.count()).isEqualTo(1);
            }
        }
    }

    /**
     * Contract §16: a connection that answers no ping for two intervals is closed with 4000 {@code ping timeout}; its
     * client, which reads, gets the close frame and completes the close. A connection that answers stays.
     */
    @Test
    void aConnectionThatAnswersNoPingIsClosedWith4000() throws Exception {
        Duration interval = Duration.ofSeconds(30);
        try (TestServer server = manualClockServer(interval)) {
            server.user("alice");
            User bob = server.user("bob");
            try (RawClient silent = RawClient.handshake(server.port, "token-alice", Map.of());
                 WsClient answering = server.connect(bob)) {
                assertThat(silent.status()).isEqualTo(101);
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 2, "both connected");
                LiveConnection bobs = server.connections.of(bob.id()).iterator().next();

                long now = server.nanos.addAndGet(interval.toNanos());
                server.webSocket.pingRound();
                assertThat(silent.read().opcode()).as("pinged").isEqualTo(RawClient.PING);
                HandshakeLimitsTest.awaitTrue(() -> bobs.lastPongNanos() == now, "bob's pong");

                long later = server.nanos.addAndGet(interval.toNanos());
                server.webSocket.pingRound();
                assertThat(silent.read().opcode()).as("two intervals, not more: pinged again").isEqualTo(RawClient.PING);
                HandshakeLimitsTest.awaitTrue(() -> bobs.lastPongNanos() == later, "bob's pong");

                server.nanos.addAndGet(1);
                server.webSocket.pingRound();
                RawClient.Frame close = silent.readUntilClose();
                assertThat(close.closeCode()).isEqualTo(4000);
                assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
                        .isEqualTo("ping timeout");

                try {
                    silent.send(RawClient.CLOSE, new byte[] {0x0F, (byte) 0xA0});
                } catch (IOException reset) {
                    // The server resets a connection it closes for a ping timeout (ReleaseClosedConnections): the
                    // close frame came first, the answer may find the socket gone.
                }
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 1, "the silent one is gone");
                assertThat(answering.closeCode).isNotDone();
                assertThat(server.connections.of(bob.id())).containsExactly(bobs);
            }
        }
    }

    /**
     * Issue 13 (hostile review, finding 3): a peer that neither reads nor answers pings — its receive window full, so
     * the server's kernel holds frames it cannot send — is closed with 4000, and its socket is released at once: a
     * reset, not a FIN that such a peer never acknowledges (before: the socket stayed in FIN-WAIT-1 with its unsent
     * bytes, orphaned, for minutes).
     */
    @Test
    void aPeerThatNeitherReadsNorAnswersPingsHasItsSocketReleasedAfterThe4000Close() throws Exception {
        assumeTrue(KernelSockets.available(), "reads the kernel's TCP table (Linux)");
        Duration interval = Duration.ofSeconds(30);
        try (TestServer server = manualClockServer(interval)) {
            User frozenUser = server.user("frozen");
            User alice = server.user("alice");
            try (RawClient frozen = RawClient.handshake(server.port, "token-frozen", Map.of(), 4096);
                 WsClient sender = server.connect(alice)) {
                assertThat(frozen.status()).isEqualTo(101);
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(frozenUser.id()).size() == 1, "registered");
                int peerPort = frozen.socket.getLocalPort();
                String body = "x".repeat(9_000);
                for (int i = 0; i < 20; i++) {
                    sender.sendJson(Map.of("action", "text_message", "message_body", body,
                            "receiver_id", frozenUser.id().toString()));
                    assertThat(sender.next().get("action").asText()).isEqualTo("conf_message");
                }
                HandshakeLimitsTest.awaitTrue(() -> KernelSockets.find(server.port, peerPort)
                        .map(entry -> entry.sendQueueBytes() > 0).orElse(false), "bytes wait in the server's kernel");

                server.nanos.addAndGet(interval.multipliedBy(2).toNanos() + 1);
                server.webSocket.pingRound();
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(frozenUser.id()).isEmpty(),
                        "the frozen connection is closed");
                HandshakeLimitsTest.awaitTrue(() -> KernelSockets.find(server.port, peerPort).isEmpty(),
                        "the server's socket for the frozen peer is gone (not left in FIN-WAIT-1)");
            }
        }
    }

    private static TestServer manualClockServer(Duration interval) throws IOException {
        return new TestServer(new WebSocketSettings(65536, interval), -1, ConnectionCensus.unlimited(), true);
    }
}
