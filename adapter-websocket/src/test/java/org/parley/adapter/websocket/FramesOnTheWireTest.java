package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/**
 * The frames Parley frames itself ({@code container.FrameWriter}), read byte by byte by a client on a plain socket: a
 * client offering extensions gets none and plain frames; frames sent by several threads at once, with Tyrus's pings
 * among them, never interleave their bytes and keep each thread's order; nothing follows the close frame.
 */
class FramesOnTheWireTest {

    /** A frame as it came off the socket: its first header byte (FIN, RSV1-3, opcode) and its payload. */
    private record WireFrame(int first, byte[] payload) {
        int opcode() {
            return first & 0x0F;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    @Test
    void aClientOfferingPermessageDeflateGetsNoExtensionAndPlainTextFrames() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            Map<String, String> offer = Map.of("Sec-WebSocket-Extensions",
                    "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame");
            try (RawClient client = RawClient.handshake(server.port, "token-alice", offer)) {
                assertThat(client.status()).isEqualTo(101);
                assertThat(client.head.toLowerCase()).doesNotContain("sec-websocket-extensions");
                LiveConnection connection = registered(server, alice);
                assertThat(connection.writesItsOwnFrames()).isTrue();
                String text = "{\"message\":\"Zo\u00eb \ud83d\ude00 \u65e5\u672c\"}".repeat(20);

                connection.send(OutgoingFrame.of(text), null);

                WireFrame frame = read(client);
                assertThat(frame.first()).as("FIN, no RSV bit (not compressed), text").isEqualTo(0x81);
                assertThat(frame.payload()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void framesSentByManyThreadsAtOnceWithPingsAmongThemArriveWholeAndInEachThreadsOrder() throws Exception {
        int threads = 4;
        int perThread = 300;
        int pings = 200;
        // Sizes across the three length forms of the header, so that partial writes of large frames happen.
        int[] sizes = {5, 125, 126, 1_000, 65_535, 65_536, 70_000};
        WebSocketSettings settings = WebSocketSettings.defaults().withMaxPendingBytes(256L * 1024 * 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
        try (TestServer server = new TestServer(settings)) {
            User alice = server.user("alice");
            try (RawClient client = RawClient.handshake(server.port, "token-alice", Map.of())) {
                assertThat(client.status()).isEqualTo(101);
                LiveConnection connection = registered(server, alice);
                Future<List<WireFrame>> received = pool.submit(() -> {
                    List<WireFrame> frames = new ArrayList<>();
                    while (frames.size() < threads * perThread + pings) {
                        frames.add(read(client));
                    }
                    return frames;
                });
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> senders = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    senders.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            connection.send(OutgoingFrame.of(text(thread, i, sizes[(thread + i) % sizes.length])),
                                    null);
                        }
                        return null;
                    }));
                }
                senders.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < pings; i++) {
                        connection.ping(ByteBuffer.wrap(new byte[] {(byte) i, 'p', 'i', 'n', 'g'}));
                    }
                    return null;
                }));
                start.countDown();
                for (Future<?> sender : senders) {
                    sender.get(60, TimeUnit.SECONDS);
                }

                List<WireFrame> frames = received.get(60, TimeUnit.SECONDS);

                int[] next = new int[threads];
                int nextPing = 0;
                for (WireFrame frame : frames) {
                    if (frame.opcode() == RawClient.PING) {
                        assertThat(frame.first()).isEqualTo(0x89);
                        assertThat(frame.payload()).isEqualTo(new byte[] {(byte) nextPing, 'p', 'i', 'n', 'g'});
                        nextPing++;
                        continue;
                    }
                    assertThat(frame.first()).isEqualTo(0x81);
                    String text = frame.text();
                    int thread = text.charAt(0) - '0';
                    assertThat(thread).isBetween(0, threads - 1);
                    int i = next[thread]++;
                    assertThat(text).isEqualTo(text(thread, i, sizes[(thread + i) % sizes.length]));
                }
                assertThat(nextPing).isEqualTo(pings);
                assertThat(next).containsOnly(perThread);
                assertThat(connection.pendingBytes()).isZero();
                assertThat(connection.stoppedWriting()).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void framesSentBeforeACloseArriveBeforeItsCloseFrameAndNothingAfterIt() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            try (RawClient client = RawClient.handshake(server.port, "token-alice", Map.of())) {
                assertThat(client.status()).isEqualTo(101);
                LiveConnection connection = registered(server, alice);

                for (int i = 0; i < 50; i++) {
                    connection.send(OutgoingFrame.of(text(0, i, 2_000)), null);
                }
                connection.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "bye"));
                for (int i = 50; i < 60; i++) {
                    connection.send(OutgoingFrame.of(text(0, i, 2_000)), null);
                }

                for (int i = 0; i < 50; i++) {
                    WireFrame frame = read(client);
                    assertThat(frame.first()).isEqualTo(0x81);
                    assertThat(frame.text()).isEqualTo(text(0, i, 2_000));
                }
                WireFrame close = read(client);
                assertThat(close.first()).isEqualTo(0x88);
                assertThat(((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF)).isEqualTo(1001);
                client.send(RawClient.CLOSE, new byte[] {0x03, (byte) 0xE9});
                assertThat(restOfStream(client)).as("bytes after the close frame").isEmpty();
                HandshakeLimitsTest.awaitTrue(() -> connection.pendingBytes() == 0, "no bytes counted as pending");
            }
        }
    }

    /** A frame's text: the sending thread's digit, its number, then padding up to {@code size} bytes. */
    private static String text(int thread, int i, int size) {
        String head = thread + "-" + i + "-";
        char[] padding = new char[Math.max(0, size - head.length())];
        Arrays.fill(padding, (char) ('a' + i % 26));
        return head + new String(padding);
    }

    private static LiveConnection registered(TestServer server, User user) throws Exception {
        HandshakeLimitsTest.awaitTrue(() -> server.connections.of(user.id()).size() == 1, "registered");
        return server.connections.of(user.id()).iterator().next();
    }

    private static WireFrame read(RawClient client) throws IOException {
        int first = client.in.readUnsignedByte();
        int second = client.in.readUnsignedByte();
        assertThat(second & 0x80).as("a server's frame is not masked").isZero();
        long length = second & 0x7F;
        if (length == 126) {
            length = client.in.readUnsignedShort();
            assertThat(length).as("the shortest length form").isGreaterThan(125);
        } else if (length == 127) {
            length = client.in.readLong();
            assertThat(length).as("the shortest length form").isGreaterThan(0xFFFF);
        }
        byte[] payload = new byte[(int) length];
        client.in.readFully(payload);
        return new WireFrame(first, payload);
    }

    /** What the server sends until it closes the socket (or nothing more comes for a while). */
    private static byte[] restOfStream(RawClient client) throws IOException {
        client.socket.setSoTimeout(3_000);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            for (int b = client.in.read(); b >= 0; b = client.in.read()) {
                rest.write(b);
            }
        } catch (SocketTimeoutException | EOFException | SocketException end) {
            // Nothing more.
        }
        return rest.toByteArray();
    }
}
