package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.application.port.in.TrackPresence;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Contract §16 (at most {@code PARLEY_MAX_CONNECTIONS_PER_USER} open websockets per user): every census lease taken by
 * a handshake is released exactly once, and the user's presence closed exactly once, however the connection ends; a
 * lease never released would lock its user out for good. Each lease here counts its releases.
 */
class EveryLeaseReleasedOnceTest {

    /**
     * A client that sends its upgrade request and hangs up (a reset or a FIN) as soon as its token is being checked,
     * before reading the 101: whether the close comes before, during or after the upgrade, no lease stays taken.
     */
    @Test
    void clientsThatResetRightAfterTheirUpgradeRequestLeaveNoLeaseBehind() throws Exception {
        CountingCensus census = new CountingCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            for (int i = 0; i < 20; i++) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port), 5_000);
                    socket.getOutputStream().write(upgradeRequest(server.port, "token-alice"));
                    socket.getOutputStream().flush();
                    int attempt = i;
                    // Hangs up as soon as the token is being checked: the upgrade is under way or just done.
                    HandshakeLimitsTest.awaitTrue(() -> server.handshakeThreads.size() > attempt, "checked");
                    if (i % 2 == 0) {
                        socket.setSoLinger(true, 0);
                    }
                }
                // One lease at most: the next attempt must find the user's place free again.
                HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0,
                        "attempt " + i + " released");
            }
            census.assertEachReleasedOnce();
            try (WsClient client = server.connect(alice)) {
                assertThat(client.isOpen()).isTrue();
            }
            census.assertEachReleasedOnce();
        }
    }

    /** Reset by the client while a frame of its waits for storage in its lane: released once that frame is done. */
    @Test
    void aConnectionResetWhileItsFramesWaitIsReleasedOnceTheyAreDone() throws Exception {
        CountingCensus census = new CountingCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            User carol = server.user("carol");
            CountDownLatch carolsLookUp = new CountDownLatch(1);
            server.lookupGates.put(carol.id(), carolsLookUp);
            try {
                RawClient client = RawClient.handshake(server.port, "token-alice", Map.of());
                assertThat(client.status()).isEqualTo(101);
                client.send(RawClient.TEXT, textTo(carol));
                client.send(RawClient.TEXT, "{not json".getBytes(StandardCharsets.UTF_8));
                client.socket.setSoLinger(true, 0);
                client.close();
                Thread.sleep(200);
                carolsLookUp.countDown();
                HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0, "released");
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 0, "forgotten");
                census.assertEachReleasedOnce();
            } finally {
                carolsLookUp.countDown();
            }
        }
    }

    /** The server stops while frames wait in a lane: the connection's lease and presence are still released. */
    @Test
    void aServerStoppingWhileFramesWaitReleasesEveryLeaseAndPresence() throws Exception {
        CountingCensus census = new CountingCensus(5);
        CountingPresence presence = new CountingPresence();
        TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false);
        server.presence.set(presence);
        User alice = server.user("alice");
        User carol = server.user("carol");
        CountDownLatch carolsLookUp = new CountDownLatch(1);
        server.lookupGates.put(carol.id(), carolsLookUp);
        RawClient waiting = RawClient.handshake(server.port, "token-alice", Map.of());
        WsClient idle = server.connect(alice);
        try {
            assertThat(waiting.status()).isEqualTo(101);
            waiting.send(RawClient.TEXT, textTo(carol));
            HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 2, "both registered");
            Thread.sleep(200);
            server.close();
            carolsLookUp.countDown();
            HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0, "released");
            census.assertEachReleasedOnce();
            presence.assertEachClosedOnce(2);
        } finally {
            carolsLookUp.countDown();
            waiting.close();
            server.close();
        }
    }

    /**
     * Presence could not be tracked when the connection opened (Redis down): the connection works and its lease is
     * released all the same when it ends; a tracked one is closed once.
     */
    @Test
    void aConnectionWhosePresenceCouldNotBeTrackedStillReleasesItsLease() throws Exception {
        CountingCensus census = new CountingCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            server.presence.set(user -> {
                throw new IllegalStateException("presence store down");
            });
            try (WsClient untracked = server.connect(alice)) {
                untracked.sendJson(Map.of("action", "text_message", "message_body", "hi",
                        "receiver_id", bob.id().toString()));
                assertThat(untracked.next().get("action").asText()).isEqualTo("conf_message");
            }
            HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0, "released");

            CountingPresence presence = new CountingPresence();
            server.presence.set(presence);
            try (WsClient tracked = server.connect(alice)) {
                assertThat(tracked.isOpen()).isTrue();
            }
            HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0, "released");
            census.assertEachReleasedOnce();
            presence.assertEachClosedOnce(1);
        }
    }

    /** Closed by the server for answering no ping (4000): released once. */
    @Test
    void aConnectionDroppedForAPingTimeoutIsReleasedOnce() throws Exception {
        CountingCensus census = new CountingCensus(1);
        Duration interval = Duration.ofSeconds(30);
        try (TestServer server = new TestServer(new WebSocketSettings(65536, interval), -1, census, true)) {
            User alice = server.user("alice");
            try (RawClient silent = RawClient.handshake(server.port, "token-alice", Map.of())) {
                assertThat(silent.status()).isEqualTo(101);
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 1, "registered");
                server.nanos.addAndGet(interval.multipliedBy(2).toNanos() + 1);
                server.webSocket.pingRound();
                assertThat(silent.readUntilClose().closeCode()).isEqualTo(4000);
            }
            HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0, "released");
            census.assertEachReleasedOnce();
        }
    }

    private static byte[] textTo(User receiver) {
        return ("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"" + receiver.id() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] upgradeRequest(int port, String token) {
        return ("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A census whose leases count how often they are released. */
    static final class CountingCensus implements ConnectionCensus {
        final LocalConnectionCensus counts;
        final List<AtomicInteger> releases = new CopyOnWriteArrayList<>();

        CountingCensus(int maxPerUser) {
            counts = new LocalConnectionCensus(maxPerUser);
        }

        @Override
        public Optional<Lease> tryOpen(UserId user) {
            return counts.tryOpen(user).map(lease -> {
                AtomicInteger released = new AtomicInteger();
                releases.add(released);
                return () -> {
                    released.incrementAndGet();
                    lease.release();
                };
            });
        }

        void assertEachReleasedOnce() throws InterruptedException {
            HandshakeLimitsTest.awaitTrue(() -> releases.stream().allMatch(count -> count.get() >= 1),
                    "every lease released");
            assertThat(releases).isNotEmpty().allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        }
    }

    /** Presence whose connections count how often they are closed. */
    static final class CountingPresence implements TrackPresence {
        final List<AtomicInteger> closes = new CopyOnWriteArrayList<>();

        @Override
        public Connection opened(UserId user) {
            AtomicInteger closed = new AtomicInteger();
            closes.add(closed);
            return closed::incrementAndGet;
        }

        void assertEachClosedOnce(int opened) throws InterruptedException {
            HandshakeLimitsTest.awaitTrue(() -> closes.size() == opened
                    && closes.stream().allMatch(count -> count.get() >= 1), "every presence closed");
            assertThat(closes).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        }
    }
}
