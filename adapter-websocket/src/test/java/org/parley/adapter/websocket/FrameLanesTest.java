package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/**
 * A connection's reads run on a selector thread: a hot {@code text_message} (receiver, thread and budget in memory) is
 * handled there, everything else in the connection's {@link FrameLane} on the workers. Real server, real clients.
 * The use case's user look-up of a gated user waits, as a slow database would ({@link TestServer#lookupGates}).
 */
class FrameLanesTest {

    private TestServer server;
    private User alice;
    private User bob;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(WebSocketSettings.defaults());
        alice = server.user("alice");
        bob = server.user("bob");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        server.close();
    }

    /**
     * m1 is hot (on the selector); m2 goes to a new peer whose look-up waits (on a worker); m3 and m5 would be hot but
     * follow m2 through the lane, with m4 (cold); once the lane is empty, m6 runs on the selector again. The sender's
     * confirmations and the receiver's messages come in the order sent, and the store holds them in that order.
     */
    @Test
    void aConnectionsFramesAreHandledInArrivalOrderAcrossTheSelectorAndTheWorkers() throws Exception {
        User carol = server.user("carol");
        User dave = server.user("dave");
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        warmUp(a, b);
        CountDownLatch carolsLookUp = new CountDownLatch(1);
        server.lookupGates.put(carol.id(), carolsLookUp);
        int hotBefore = server.sendFromMemoryThreads.size();

        a.sendJson(text(bob, "m1"));
        a.sendJson(text(carol, "m2"));
        a.sendJson(text(bob, "m3"));
        a.sendJson(text(dave, "m4"));
        a.sendJson(text(bob, "m5"));
        assertThat(a.next().get("message").asText()).isEqualTo("m1");
        a.assertNothingMoreWithin(Duration.ofMillis(300));
        carolsLookUp.countDown();

        List<String> confirmed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            JsonNode conf = a.next();
            assertThat(conf.get("action").asText()).isEqualTo("conf_message");
            confirmed.add(conf.get("message").asText());
        }
        assertThat(confirmed).containsExactly("m2", "m3", "m4", "m5");
        assertThat(List.of(b.next(), b.next(), b.next())).extracting(frame -> frame.get("message").asText())
                .containsExactly("m1", "m3", "m5");
        // m1 alone ran where it was read; m3 and m5 took the lane behind m2.
        assertThat(server.sendFromMemoryThreads).hasSize(hotBefore + 1);

        // Once the lane is empty (a moment after m5's confirmation left), frames run where they are read again.
        untilOneIsHandledWhereRead(a, bob, b, "m6.");
        assertThat(server.sendFromMemoryThreads).allSatisfy(name -> assertThat(name).endsWith(" SelectorRunner"));
    }

    /**
     * alice's frame to carol waits for storage (on a worker) for as long as the test holds it; meanwhile four other
     * connections (at least one on alice's selector thread: there are as many as cores) have their hot frames handled
     * and answered, and a connection's ping is answered; alice's own later frame waits for hers.
     */
    @Test
    void aFrameWaitingForStorageStallsNeitherOtherConnectionsHotFramesNorPings() throws Exception {
        User carol = server.user("carol");
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        warmUp(a, b);
        List<WsClient> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            User other = server.user("other" + i);
            WsClient client = connect(other);
            untilOneIsHandledWhereRead(client, bob, b, "warm-up " + i + ".");
            others.add(client);
        }
        CountDownLatch carolsLookUp = new CountDownLatch(1);
        server.lookupGates.put(carol.id(), carolsLookUp);
        try {
            a.sendJson(text(carol, "waits for storage"));
            a.sendJson(text(bob, "after it"));
            int hotBefore = server.sendFromMemoryThreads.size();

            for (int i = 0; i < others.size(); i++) {
                others.get(i).sendJson(text(bob, "hot " + i));
                JsonNode conf = others.get(i).next();
                assertThat(conf.get("action").asText()).isEqualTo("conf_message");
                assertThat(conf.get("message").asText()).isEqualTo("hot " + i);
            }
            assertThat(server.sendFromMemoryThreads).hasSize(hotBefore + others.size());
            RawClient raw = RawClient.handshake(server.port, "token-bob", Map.of());
            clients.add(raw);
            raw.send(RawClient.PING, "still there?".getBytes(StandardCharsets.UTF_8));
            RawClient.Frame pong = raw.read();
            assertThat(pong.opcode()).isEqualTo(RawClient.PONG);
            assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("still there?");
            a.assertNothingMoreWithin(Duration.ofMillis(200));
        } finally {
            carolsLookUp.countDown();
        }
        assertThat(a.next().get("message").asText()).isEqualTo("waits for storage");
        assertThat(a.next().get("message").asText()).isEqualTo("after it");
    }

    /**
     * While alice's frame to carol waits for storage, she goes on sending: her lane holds at most the connection's
     * bound of waiting text (here 4,096 units), so her connection is closed with 1013 (try again later) once she
     * exceeds it, and bob's connection goes on as before.
     */
    @Test
    void aConnectionThatSendsMoreThanItsLaneHoldsWhileAFrameWaitsIsClosedWith1013() throws Exception {
        server.close();
        server = new TestServer(new WebSocketSettings(WebSocketSettings.DEFAULT_MAX_TEXT_FRAME_BYTES,
                Duration.ofSeconds(30), 4_096, java.util.Set.of()));
        alice = server.user("alice");
        bob = server.user("bob");
        User carol = server.user("carol");
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        warmUp(a, b);
        CountDownLatch carolsLookUp = new CountDownLatch(1);
        server.lookupGates.put(carol.id(), carolsLookUp);
        try {
            a.sendJson(text(carol, "waits for storage"));
            String body = "x".repeat(1_000);
            for (int i = 0; i < 10 && a.isOpen(); i++) {
                a.sendJson(text(bob, body));
            }
            assertThat(a.awaitClose()).isEqualTo(1013);
            WsClient b2 = connect(bob);
            untilOneIsHandledWhereRead(b2, alice, connect(alice), "still served ");
        } finally {
            carolsLookUp.countDown();
        }
    }

    /**
     * alice's first message to bob reads him and creates their thread (on a worker); both are in memory afterwards,
     * and once a frame has run where it was read, her lane is empty.
     */
    private void warmUp(WsClient a, WsClient b) {
        untilOneIsHandledWhereRead(a, bob, b, "warm-up ");
    }

    /**
     * Sends messages to {@code to} until one is handled on the thread that read it: the first may need a look-up (a
     * worker), and a frame read while the worker that handled the previous one has not yet let go of the lane (its
     * confirmation can arrive first) follows it there. Afterwards the sender's lane is empty.
     */
    private void untilOneIsHandledWhereRead(WsClient from, User to, WsClient receiver, String prefix) {
        for (int i = 0; i < 50; i++) {
            int before = server.sendFromMemoryThreads.size();
            from.sendJson(text(to, prefix + i));
            assertThat(from.next().get("message").asText()).isEqualTo(prefix + i);
            assertThat(receiver.next().get("message").asText()).isEqualTo(prefix + i);
            if (server.sendFromMemoryThreads.size() > before) {
                return;
            }
        }
        throw new AssertionError("No frame was handled where it was read");
    }

    private WsClient connect(User user) {
        WsClient client = server.connect(user);
        clients.add(client);
        return client;
    }

    private static Map<String, Object> text(User to, String body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("action", "text_message");
        frame.put("message_body", body);
        frame.put("receiver_id", to.id().toString());
        return frame;
    }
}
