package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
                List<String> texts = client.readTextsUntilClose().texts();
                assertThat(texts).as("answered before the close reply").anySatisfy(
                        text -> assertThat(text).contains("invalid_json"));
            } finally {
                carolsLookUp.countDown();
                opener.join();
            }
        }
    }

    /**
     * Each upgraded connection learns where its own frames wait (its lane) through a per-thread slot filled by its
     * {@code onOpen} during the upgrade: many handshakes at once, several on one worker thread, must never leave a
     * connection with another's lane or with none. Half the connections have a frame waiting for storage and then send
     * a bad frame and a close; the other half close at once. A connection given a busy lane not its own would answer
     * its close only once that lane drains (here: never before the storage answers); one given an idle lane, or none,
     * would answer its close before its own bad frame.
     */
    @Test
    void manyHandshakesAtOnceEachCloseAfterTheirOwnFramesOnly() throws Exception {
        int each = 12;
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User carol = server.user("carol");
            CountDownLatch carolsLookUp = new CountDownLatch(1);
            server.lookupGates.put(carol.id(), carolsLookUp);
            List<String> waiting = new ArrayList<>();
            List<String> idle = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                waiting.add("token-" + server.user("waiting" + i).profile().fullname());
                idle.add("token-" + server.user("idle" + i).profile().fullname());
            }
            // Opens the storage whatever happens, so that a failing test ends.
            Thread opener = opensAfter(carolsLookUp, 30_000);
            ExecutorService clients = Executors.newFixedThreadPool(2 * each);
            List<RawClient> opened = new ArrayList<>();
            try {
                List<Future<RawClient>> handshakes = new ArrayList<>();
                List<String> all = new ArrayList<>(waiting);
                all.addAll(idle);
                for (String token : all) {
                    handshakes.add(clients.submit(() -> RawClient.handshake(server.port, token, Map.of())));
                }
                for (Future<RawClient> handshake : handshakes) {
                    opened.add(handshake.get(30, TimeUnit.SECONDS));
                }
                assertThat(opened).allSatisfy(client -> assertThat(client.status()).isEqualTo(101));
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 2 * each, "all registered");

                List<RawClient> waitingClients = opened.subList(0, each);
                List<RawClient> idleClients = opened.subList(each, 2 * each);
                byte[] stored = ("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
                        + carol.id() + "\"}").getBytes(StandardCharsets.UTF_8);
                for (RawClient client : waitingClients) {
                    client.send(RawClient.TEXT, stored);
                    client.send(RawClient.TEXT, "{not json".getBytes(StandardCharsets.UTF_8));
                    client.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
                }
                for (RawClient client : idleClients) {
                    client.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
                    assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
                    assertThat(carolsLookUp.getCount()).as("an idle connection's close waits for no other's frames")
                            .isEqualTo(1);
                }
                assertThat(carolsLookUp.getCount()).isEqualTo(1);
                carolsLookUp.countDown();

                for (RawClient client : waitingClients) {
                    RawClient.UntilClose untilClose = client.readTextsUntilClose();
                    assertThat(untilClose.closeCode()).isEqualTo(1000);
                    assertThat(untilClose.texts()).as("its own bad frame answered before its close reply")
                            .anySatisfy(text -> assertThat(text).contains("invalid_json"));
                }
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 0, "every connection forgotten");
            } finally {
                carolsLookUp.countDown();
                for (RawClient client : opened) {
                    client.close();
                }
                clients.shutdownNow();
                opener.interrupt();
                opener.join();
            }
        }
    }

    /**
     * A client that does not wait for the {@code 101} (RFC 6455 §4.1 says it must) sends a frame in the same write as
     * its upgrade request. Tyrus 2.2.2 drops what follows the request in that read
     * ({@code GrizzlyServerFilter.handleHandshake} never hands the request's remaining content to the new connection):
     * the frame is not answered, and nothing of it is left half-read. The connection is as any other: a later frame is
     * answered, its close is answered after that, and its lease is released.
     */
    @Test
    void aFramePipelinedWithTheUpgradeRequestLeavesTheConnectionConsistent() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            byte[] pipelined = RawClient.frame(RawClient.TEXT, true,
                    "{\"action\":\"pipelined\"}".getBytes(StandardCharsets.UTF_8));
            try (RawClient client = RawClient.handshakeWith(server.port, "token-alice", pipelined)) {
                assertThat(client.status()).isEqualTo(101);
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 1, "registered");
                client.send(RawClient.TEXT, "{not json".getBytes(StandardCharsets.UTF_8));
                client.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
                RawClient.UntilClose untilClose = client.readTextsUntilClose();
                assertThat(untilClose.closeCode()).isEqualTo(1000);
                assertThat(untilClose.texts()).anySatisfy(text -> assertThat(text).contains("invalid_json"));
            }
            HandshakeLimitsTest.awaitTrue(() -> census.openConnections(alice.id()) == 0, "released");
            HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 0, "forgotten");
        }
    }

    private static Thread opensAfter(CountDownLatch gate, long millis) {
        Thread opener = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate.countDown();
        });
        opener.start();
        return opener;
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
