package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.domain.user.User;

/**
 * Contract §16: at most {@code PARLEY_MAX_CONNECTIONS_PER_USER} open websockets per user. A connection whose close
 * handshake the client has completed (it got the server's close frame) is not open any more, so a handshake the client
 * makes right after it must not be refused with 429: the connection's census lease must be released before the close
 * reply goes out, also when an earlier frame of the connection is still waiting for storage.
 */
class CloseAfterItsFramesTest {

    @Test
    void aClientThatGotItsCloseReplyMayConnectAgainAtOnce() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            User carol = server.user("carol");
            CountDownLatch carolsLookUp = new CountDownLatch(1);
            server.lookupGates.put(carol.id(), carolsLookUp);
            // The storage answers after a while, whatever the test does (on a server that reads on workers, the close
            // frame is read only then).
            Thread opener = opensAfterASecond(carolsLookUp);
            try (RawClient first = RawClient.handshake(server.port, "token-alice", Map.of())) {
                assertThat(first.status()).isEqualTo(101);
                first.send(RawClient.TEXT, ("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
                        + carol.id() + "\"}").getBytes(StandardCharsets.UTF_8));
                first.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
                first.readUntilClose();
                // Released before Tyrus wrote its close reply (onClose runs in the lane's task that fed Tyrus the
                // close frame, not queued behind it), so no race with the client's next handshake.
                census.tryOpen(alice.id()).orElseThrow(() -> new AssertionError(
                        "the lease is still held after the close reply")).release();

                try (RawClient again = RawClient.handshake(server.port, "token-alice", Map.of())) {
                    assertThat(again.status()).as("the first connection's close handshake is complete").isEqualTo(101);
                }
            } finally {
                carolsLookUp.countDown();
                opener.join();
            }
        }
    }

    /**
     * Frames are handled in arrival order, the close frame included: the answer to a frame sent before the close frame
     * reaches the client before the server's close reply (after it, the client no longer reads). Here the frame waits
     * in the lane behind one waiting for storage.
     */
    @Test
    void theAnswersToFramesSentBeforeACloseComeBeforeTheCloseReply() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            server.user("alice");
            User carol = server.user("carol");
            CountDownLatch carolsLookUp = new CountDownLatch(1);
            server.lookupGates.put(carol.id(), carolsLookUp);
            Thread opener = opensAfterASecond(carolsLookUp);
            try (RawClient client = RawClient.handshake(server.port, "token-alice", Map.of())) {
                assertThat(client.status()).isEqualTo(101);
                client.send(RawClient.TEXT, ("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
                        + carol.id() + "\"}").getBytes(StandardCharsets.UTF_8));
                client.send(RawClient.TEXT, "{not json".getBytes(StandardCharsets.UTF_8));
                client.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
                List<String> texts = new ArrayList<>();
                for (RawClient.Frame frame = client.read(); frame.opcode() != RawClient.CLOSE; frame = client.read()) {
                    if (frame.opcode() == RawClient.TEXT) {
                        texts.add(new String(frame.payload(), StandardCharsets.UTF_8));
                    }
                }
                assertThat(texts).as("answered before the close reply").anySatisfy(
                        text -> assertThat(text).contains("invalid_json"));
            } finally {
                carolsLookUp.countDown();
                opener.join();
            }
        }
    }

    /** Opens {@code gate} a second from now, whatever the test does (on a server that reads on workers, the close
     *  frame is read only then). */
    private static Thread opensAfterASecond(CountDownLatch gate) {
        Thread opener = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate.countDown();
        });
        opener.start();
        return opener;
    }
}
