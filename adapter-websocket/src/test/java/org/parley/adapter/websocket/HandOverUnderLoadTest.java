package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/**
 * Review of the hand-over of a handshake's user and lease to its own connection's {@code onOpen}
 * ({@code TyrusOnGrizzly.handOver}): many users shake hands at once on two Grizzly worker threads, mixed with refused
 * handshakes (401, 429) and clients that hang up right after their upgrade request. Every connection must be its own
 * user's (on the server and in what it answers), and every lease must be released exactly once once all are closed.
 */
class HandOverUnderLoadTest {

    private static final int USERS = 40;

    @Test
    void concurrentHandshakesOnTwoWorkersEachGetTheirOwnUserAndLeaseMixedWithRefusals() throws Exception {
        EveryLeaseReleasedOnceTest.CountingCensus census = new EveryLeaseReleasedOnceTest.CountingCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false,
                listener -> listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                        .setPoolName("Grizzly-worker").setCorePoolSize(2).setMaxPoolSize(2)))) {
            User bob = server.user("bob");
            List<User> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add(server.user("u" + i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<RawClient> opened = new ArrayList<>();
            try {
                List<CompletableFuture<RawClient>> tries = new ArrayList<>();
                List<User> triedBy = new ArrayList<>();
                for (User user : users) {
                    // Two at once for a user allowed one: one is refused with 429 after its token was checked.
                    for (int k = 0; k < 2; k++) {
                        triedBy.add(user);
                        tries.add(CompletableFuture.supplyAsync(() -> handshake(server.port, token(user)), pool));
                    }
                    tries.add(CompletableFuture.supplyAsync(() -> handshake(server.port, "token-nobody"), pool));
                    triedBy.add(null);
                    tries.add(CompletableFuture.supplyAsync(() -> resetAfterRequest(server.port, token(user)), pool));
                    triedBy.add(null);
                }
                for (int i = 0; i < tries.size(); i++) {
                    RawClient client = tries.get(i).get(30, TimeUnit.SECONDS);
                    if (client == null) {
                        continue;
                    }
                    if (triedBy.get(i) == null || client.status() != 101) {
                        assertThat(client.status()).isIn(401, 429);
                        client.close();
                        continue;
                    }
                    opened.add(client);
                    User user = triedBy.get(i);
                    client.send(RawClient.TEXT, ("{\"action\":\"text_message\",\"message_body\":\"from "
                            + user.id() + "\",\"receiver_id\":\"" + bob.id() + "\"}").getBytes(StandardCharsets.UTF_8));
                    String conf = confirmation(client);
                    assertThat(conf).as("the connection of %s answers as its own user", user.id())
                            .contains("\"sender_id\":\"" + user.id() + "\"");
                }
                for (User user : users) {
                    server.connections.of(user.id()).forEach(live -> assertThat(live.user()).isEqualTo(user.id()));
                }
                assertThat(opened).hasSizeLessThanOrEqualTo(USERS);
            } finally {
                pool.shutdownNow();
                for (RawClient client : opened) {
                    client.close();
                }
            }
            for (User user : users) {
                HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(user.id()) == 0,
                        "lease of " + user.id() + " released");
            }
            census.assertEachReleasedOnce();
        }
    }

    /**
     * Two upgrade requests in one write on one TCP connection (pipelined, keep-alive): the second is never a second
     * connection of the first's user, and a refused first request hands nothing to a later one; no lease stays taken.
     */
    @Test
    void pipelinedUpgradeRequestsOnOneSocketNeverOpenAConnectionAsAnotherUser() throws Exception {
        EveryLeaseReleasedOnceTest.CountingCensus census = new EveryLeaseReleasedOnceTest.CountingCensus(1);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            for (String first : List.of("token-alice", "token-nobody")) {
                try (RawClient client = RawClient.handshakeWith(server.port, first, upgradeRequest(server.port,
                        "token-bob"))) {
                    Thread.sleep(300);
                    server.connections.of(alice.id()).forEach(live -> assertThat(live.user()).isEqualTo(alice.id()));
                    server.connections.of(bob.id()).forEach(live -> assertThat(live.user()).isEqualTo(bob.id()));
                    assertThat(server.connections.count()).isLessThanOrEqualTo(1);
                    if (client.status() == 101) {
                        assertThat(server.connections.of(bob.id())).isEmpty();
                    }
                }
                HandshakeLimitsTest.awaitTrue(() -> census.counts.openConnections(alice.id()) == 0
                        && census.counts.openConnections(bob.id()) == 0, "released after " + first);
            }
            census.assertEachReleasedOnce();
        }
    }

    private static byte[] upgradeRequest(int port, String token) {
        return ("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String token(User user) {
        return "token-" + user.profile().fullname();
    }

    private static RawClient handshake(int port, String token) {
        try {
            return RawClient.handshake(port, token, Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends an upgrade request and resets the socket at once (a client gone before its 101 or its onOpen). */
    private static RawClient resetAfterRequest(int port, String token) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.getOutputStream().write(("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    private static String confirmation(RawClient client) throws Exception {
        for (int i = 0; i < 20; i++) {
            RawClient.Frame frame = client.read();
            if (frame.opcode() == RawClient.TEXT) {
                String text = new String(frame.payload(), StandardCharsets.UTF_8);
                if (text.contains("conf_message")) {
                    return text;
                }
            }
        }
        throw new AssertionError("no conf_message");
    }
}
