package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.domain.user.User;

/**
 * Contract §16 and issue 13's finding 4, on the wire: a client that completes the handshake and never reads is closed
 * with 4008 once the frames waiting for it exceed the bound, and its TCP connection is really released within seconds
 * (before: it stayed open for minutes, holding megabytes); meanwhile and afterwards, other users chat on.
 */
class SlowConsumerTest {

    private static final long MAX_PENDING_BYTES = 64 * 1024;
    /** The grace after the close frame is 2 s; the bound leaves room for a busy machine. */
    private static final Duration RELEASED_WITHIN = Duration.ofSeconds(10);

    @Test
    void aClientThatNeverReadsIsClosedAndItsSocketReleasedWhileABystanderPairChatsOn() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(20);
        WebSocketSettings settings = WebSocketSettings.defaults().withMaxPendingBytes(MAX_PENDING_BYTES);
        try (TestServer server = new TestServer(settings, -1, census, false);
             CapturedLog log = new CapturedLog()) {
            User victim = server.user("victim");
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (RawClient stuck = RawClient.handshake(server.port, "token-victim", Map.of(), 4096);
                 WsClient sender = server.connect(alice);
                 WsClient receiver = server.connect(bob)) {
                assertThat(stuck.status()).isEqualTo(101);
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(victim.id()).size() == 1, "victim registered");
                LiveConnection stuckConnection = server.connections.of(victim.id()).iterator().next();

                // Large messages to the victim until the server gives up on it (the kernel's buffers take some
                // megabytes first). The client never reads.
                String body = "x".repeat(9_000);
                int sent = 0;
                while (!stuckConnection.stoppedWriting() && sent < 5_000) {
                    sender.sendJson(Map.of("action", "text_message", "message_body", body,
                            "receiver_id", victim.id().toString()));
                    assertThat(sender.next().get("action").asText()).isEqualTo("conf_message");
                    sent++;
                }
                assertThat(stuckConnection.stoppedWriting()).as("closed after %d messages", sent).isTrue();
                assertThat(stuckConnection.pendingBytes()).as("memory held for it stays bounded")
                        .isLessThanOrEqualTo(MAX_PENDING_BYTES);
                long closedAt = System.nanoTime();
                assertThat(log.linesContaining("with 4008")).hasSize(1);

                // The bystanders are not slowed down: a message goes through at once.
                sender.sendJson(Map.of("action", "text_message", "message_body", "still here?",
                        "receiver_id", bob.id().toString()));
                assertThat(sender.next().get("action").asText()).isEqualTo("conf_message");
                JsonNode received = receiver.next();
                assertThat(received.get("message").asText()).isEqualTo("still here?");

                // The server releases the socket: writing to it soon fails (reset), though the client never read.
                Duration releasedAfter = awaitReset(stuck, closedAt);
                assertThat(releasedAfter).isLessThan(RELEASED_WITHIN);
                HandshakeLimitsTest.awaitTrue(() -> census.openConnections(victim.id()) == 0,
                        "the victim's connection is no longer counted");
                assertThat(server.connections.of(victim.id())).isEmpty();

                // And afterwards.
                receiver.sendJson(Map.of("action", "text_message", "message_body", "yes",
                        "receiver_id", alice.id().toString()));
                assertThat(receiver.next().get("action").asText()).isEqualTo("conf_message");
                assertThat(sender.next().get("message").asText()).isEqualTo("yes");
            }
        }
    }

    /**
     * Sends a ping every 100 ms until the socket reports that the server reset it; fails after
     * {@link #RELEASED_WITHIN}. Returns how long after {@code sinceNanos} that was.
     */
    private static Duration awaitReset(RawClient client, long sinceNanos) throws InterruptedException {
        long deadline = sinceNanos + RELEASED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                client.send(RawClient.PING, new byte[] {1});
            } catch (IOException reset) {
                return Duration.ofNanos(System.nanoTime() - sinceNanos);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The server kept the socket of a client that never reads for more than "
                + RELEASED_WITHIN.toSeconds() + " s after closing it");
    }
}
