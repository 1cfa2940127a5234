package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.domain.user.User;

/**
 * Hostile review of the idle-memory changes on a real server, from the ends of a connection: after Tyrus's per-session
 * endpoint record is dropped at onOpen, every way a connection ends (a close frame, a dropped socket, invalid UTF-8,
 * a catch-up close with 1012, the server's shutdown with 1001) still reaches the endpoint (the connection leaves
 * the registry and the census); and frames written byte by byte over TCP, a fragmented message with a ping among
 * its fragments, are read whole with the read buffer let go between reads.
 */
class IdleMemoryEndsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyEndOfAConnectionStillReachesTheEndpoint() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(10);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");

            RawClient closing = open(server, alice, 1);
            closing.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE8});
            assertThat(closing.readUntilClose().closeCode()).isEqualTo(1000);
            awaitOpen(server, census, alice, 0, "after a close frame");

            RawClient dropped = open(server, alice, 1);
            dropped.close();
            awaitOpen(server, census, alice, 0, "after the socket was dropped");

            RawClient invalid = open(server, alice, 1);
            invalid.send(RawClient.TEXT, new byte[] {(byte) 0xC3, 0x28});
            assertThat(invalid.readUntilClose().closeCode()).isEqualTo(1007);
            awaitOpen(server, census, alice, 0, "after invalid UTF-8");

            RawClient catchingUp = open(server, alice, 1);
            new OpenWebSockets(server.connections).closeAllToCatchUp(Instant.now().plusSeconds(1));
            assertThat(catchingUp.readUntilClose().closeCode()).isEqualTo(1012);
            awaitOpen(server, census, alice, 0, "after the catch-up close");

            RawClient first = open(server, alice, 1);
            RawClient second = open(server, alice, 2);
            server.webSocket.closeAll();
            assertThat(first.readUntilClose().closeCode()).isEqualTo(1001);
            assertThat(second.readUntilClose().closeCode()).isEqualTo(1001);
            awaitOpen(server, census, alice, 0, "after the server's shutdown");
        }
    }

    @Test
    void aFragmentedMessageWithAPingAmongItsFragmentsSentByteByByteIsReadWhole() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient b = server.connect(bob)) {
                RawClient a = RawClient.handshake(server.port, "token-alice", Map.of());
                a.socket.setTcpNoDelay(true);
                String json = JSON.writeValueAsString(Map.of("action", "text_message",
                        "message_body", "é".repeat(200) + " split everywhere", "receiver_id", bob.id().toString()));
                byte[] body = json.getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                stream.writeBytes(RawClient.frame(0x1, false, java.util.Arrays.copyOfRange(body, 0, 101)));
                stream.writeBytes(RawClient.frame(RawClient.PING, true, "p".getBytes(StandardCharsets.US_ASCII)));
                stream.writeBytes(RawClient.frame(0x0, false, java.util.Arrays.copyOfRange(body, 101, 300)));
                stream.writeBytes(RawClient.frame(0x0, true, java.util.Arrays.copyOfRange(body, 300, body.length)));
                for (byte one : stream.toByteArray()) {
                    a.out.write(one);
                    a.out.flush();
                }
                RawClient.Frame pong = a.read();
                assertThat(pong.opcode()).isEqualTo(RawClient.PONG);
                assertThat(pong.text()).isEqualTo("p");
                JsonNode confirmed = JSON.readTree(a.read().text());
                assertThat(confirmed.get("action").asText()).isEqualTo("conf_message");
                assertThat(b.next().get("message").asText()).isEqualTo("é".repeat(200) + " split everywhere");
                a.close();
            }
        }
    }

    @Test
    void framesAtTheLimitInChunksOfEverySizeAreReadWholeAndOneByteMoreCloses() throws Exception {
        int limit = WebSocketSettings.DEFAULT_MAX_TEXT_FRAME_BYTES;
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            RawClient a = RawClient.handshake(server.port, "token-alice", Map.of());
            a.socket.setTcpNoDelay(true);
            java.util.Random random = new java.util.Random(7);
            for (int round = 0; round < 3; round++) {
                String json = "{\"action\":\"typing\",\"receiver_id\":\"" + alice.id() + "\",\"pad\":\"";
                byte[] body = (json + "x".repeat(limit - json.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
                assertThat(body).hasSize(limit);
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                if (round == 2) {
                    stream.writeBytes(RawClient.frame(0x1, false, java.util.Arrays.copyOfRange(body, 0, limit / 2)));
                    stream.writeBytes(RawClient.frame(RawClient.PING, true, new byte[] {9}));
                    stream.writeBytes(RawClient.frame(0x0, true, java.util.Arrays.copyOfRange(body, limit / 2, limit)));
                } else {
                    stream.writeBytes(RawClient.frame(0x1, true, body));
                }
                stream.writeBytes(RawClient.frame(RawClient.PING, true, new byte[] {(byte) round}));
                byte[] bytes = stream.toByteArray();
                for (int from = 0; from < bytes.length; ) {
                    int n = Math.min(bytes.length - from, 1 + random.nextInt(round == 0 ? 3000 : 40));
                    a.out.write(bytes, from, n);
                    a.out.flush();
                    from += n;
                }
                RawClient.Frame next = a.read();
                while (next.opcode() != RawClient.PONG || next.payload()[0] != (byte) round) {
                    assertThat(next.opcode()).as("not closed: %s", next.text()).isNotEqualTo(RawClient.CLOSE);
                    next = a.read();
                }
            }
            byte[] tooBig = new byte[limit + 1];
            java.util.Arrays.fill(tooBig, (byte) 'x');
            a.out.write(RawClient.frame(0x1, true, tooBig));
            a.out.flush();
            assertThat(a.readUntilClose().closeCode()).isEqualTo(1009);
            a.close();
        }
    }

    private static RawClient open(TestServer server, User user, int expected) throws Exception {
        RawClient client = RawClient.handshake(server.port, "token-" + user.profile().fullname(), Map.of());
        assertThat(client.status()).isEqualTo(101);
        HandshakeLimitsTest.awaitTrue(() -> server.connections.of(user.id()).size() == expected, "registered");
        return client;
    }

    private static void awaitOpen(TestServer server, LocalConnectionCensus census, User user, int open, String when)
            throws InterruptedException {
        HandshakeLimitsTest.awaitTrue(() -> server.connections.of(user.id()).size() == open
                && census.openConnections(user.id()) == open, when);
        assertThat(server.connections.isConnected(user.id())).as(when).isEqualTo(open > 0);
    }
}
