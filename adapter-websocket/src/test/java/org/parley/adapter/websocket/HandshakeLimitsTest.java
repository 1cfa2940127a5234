package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.domain.user.User;

/** Contract §16 at the handshake, on the wire: origins (403) and connections per user (429). */
class HandshakeLimitsTest {

    private static final WebSocketSettings ONLY_THE_APP = WebSocketSettings.defaults()
            .withAllowedOrigins(Set.of("https://app.example.com", "http://localhost:3000"));

    @Test
    void withAllowedOriginsOnlyThoseOriginsAndClientsWithoutAnOriginGetAWebsocket() throws Exception {
        try (TestServer server = new TestServer(ONLY_THE_APP)) {
            server.user("alice");
            assertThat(status(server, Map.of("Origin", "https://app.example.com"))).isEqualTo(101);
            assertThat(status(server, Map.of("Origin", "HTTPS://App.Example.com"))).as("case-insensitive").isEqualTo(101);
            assertThat(status(server, Map.of("Origin", "http://localhost:3000"))).isEqualTo(101);
            assertThat(status(server, Map.of())).as("no Origin header (a native app)").isEqualTo(101);

            assertThat(status(server, Map.of("Origin", "https://evil.example"))).isEqualTo(403);
            assertThat(status(server, Map.of("Origin", "null"))).as("a sandboxed page or a file").isEqualTo(403);
            assertThat(status(server, Map.of("Origin", "https://app.example.com:8443"))).isEqualTo(403);
            assertThat(status(server, Map.of("Origin", "http://app.example.com"))).isEqualTo(403);
            assertThat(status(server, Map.of("Origin", "https://app.example.com, https://evil.example")))
                    .as("more than one origin, the allowed one first").isEqualTo(403);
            assertThat(status(server, Map.of("Origin", "https://app.example.com, http://localhost:3000")))
                    .as("two allowed origins are still two").isEqualTo(403);
        }
    }

    @Test
    void aRefusedOriginOpensNoSessionAndGetsAnEmptyAnswerWithoutUpgrade() throws Exception {
        try (TestServer server = new TestServer(ONLY_THE_APP)) {
            server.user("alice");
            try (RawClient client = RawClient.handshake(server.port, "token-alice",
                    Map.of("Origin", "https://evil.example"))) {
                assertThat(client.status()).isEqualTo(403);
                assertThat(client.head.toLowerCase()).doesNotContain("upgrade: websocket")
                        .doesNotContain("sec-websocket-accept").contains("content-length: 0");
            }
            assertThat(server.connections.count()).isZero();
        }
    }

    @Test
    void withoutAllowedOriginsEveryOriginIsAccepted() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            server.user("alice");
            assertThat(status(server, Map.of("Origin", "https://evil.example"))).isEqualTo(101);
            assertThat(status(server, Map.of("Origin", "null"))).isEqualTo(101);
        }
    }

    @Test
    void theOriginIsCheckedBeforeTheToken() throws Exception {
        try (TestServer server = new TestServer(ONLY_THE_APP)) {
            try (RawClient client = RawClient.handshake(server.port, "not-a-token",
                    Map.of("Origin", "https://evil.example"))) {
                assertThat(client.status()).isEqualTo(403);
            }
            try (RawClient client = RawClient.handshake(server.port, "not-a-token",
                    Map.of("Origin", "https://app.example.com"))) {
                assertThat(client.status()).isEqualTo(401);
            }
        }
    }

    @Test
    void aUserAtTheLimitIsRefusedWith429AndAClosedConnectionMakesRoom() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(2);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            WsClient first = server.connect(alice);
            try (WsClient second = server.connect(alice)) {
                try (RawClient third = RawClient.handshake(server.port, "token-alice", Map.of())) {
                    assertThat(third.status()).isEqualTo(429);
                    assertThat(third.head.toLowerCase()).doesNotContain("sec-websocket-accept");
                }
                try (WsClient other = server.connect(bob)) {
                    assertThat(other.isOpen()).as("another user is not affected").isTrue();
                }

                first.close();
                awaitTrue(() -> census.openConnections(alice.id()) == 1, "the closed connection is released");
                try (WsClient again = server.connect(alice)) {
                    assertThat(server.connections.of(alice.id())).hasSize(2);
                }
            }
            awaitTrue(() -> census.openConnections(alice.id()) == 0, "every connection released");
        }
    }

    @Test
    void theCountIsReleasedWhateverEndsTheConnection() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(3);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");

            // The client hangs up without a close frame.
            RawClient dropped = RawClient.handshake(server.port, "token-alice", Map.of());
            assertThat(dropped.status()).isEqualTo(101);
            awaitTrue(() -> census.openConnections(alice.id()) == 1, "counted");
            dropped.socket.close();
            awaitTrue(() -> census.openConnections(alice.id()) == 0, "released after a hang-up");

            // The server closes it: a frame above the limit (1009).
            WsClient tooBig = server.connect(alice);
            tooBig.send("x".repeat(WebSocketSettings.DEFAULT_MAX_TEXT_FRAME_BYTES + 1));
            assertThat(tooBig.awaitClose()).isEqualTo(1009);
            awaitTrue(() -> census.openConnections(alice.id()) == 0, "released after a 1009");

            // The server closes every connection (1001).
            WsClient shutDown = server.connect(alice);
            server.webSocket.closeAll();
            assertThat(shutDown.awaitClose()).isEqualTo(1001);
            awaitTrue(() -> census.openConnections(alice.id()) == 0, "released after a 1001");
        }
    }

    @Test
    void aRefusedHandshakeTakesNoPlaceInTheCensus() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(1);
        try (TestServer server = new TestServer(ONLY_THE_APP, -1, census, false)) {
            User alice = server.user("alice");
            for (int i = 0; i < 5; i++) {
                try (RawClient refused = RawClient.handshake(server.port, "token-alice",
                        Map.of("Origin", "https://evil.example"))) {
                    assertThat(refused.status()).isEqualTo(403);
                }
            }
            assertThat(census.openConnections(alice.id())).isZero();
            try (WsClient client = server.connect(alice)) {
                assertThat(client.isOpen()).isTrue();
            }
        }
    }

    /**
     * A refused handshake says {@code Connection: close}; a client that keeps the connection and goes on sending (as a
     * slowloris would) has it released by the server within seconds all the same.
     */
    @Test
    void aRefusedHandshakesConnectionIsReleasedEvenIfTheClientKeepsIt() throws Exception {
        try (TestServer server = new TestServer(ONLY_THE_APP);
             RawClient refused = RawClient.handshake(server.port, "token-nobody",
                     Map.of("Origin", "https://evil.example"))) {
            assertThat(refused.status()).isEqualTo(403);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean released = false;
            while (!released && System.nanoTime() < deadline) {
                try {
                    refused.out.write('x');
                    refused.out.flush();
                    refused.socket.setSoTimeout(100);
                    released = refused.in.read() < 0;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // Keep sending.
                } catch (java.io.IOException reset) {
                    released = true;
                }
            }
            assertThat(released).as("the refused connection was released within 10 s").isTrue();
        }
    }

    private static int status(TestServer server, Map<String, String> headers) throws Exception {
        try (RawClient client = RawClient.handshake(server.port, "token-alice", headers)) {
            return client.status();
        }
    }

    /** Polls {@code condition} for up to 10 s (closes complete asynchronously). */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
