package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.websocket.server.ServerEndpointConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile review of {@link TyrusReadBuffer}: a byte stream of fragmented messages with control frames among their
 * fragments, and frames near the size limit, is handed to a real Tyrus engine split at every byte boundary and byte
 * by byte; every message arrives whole and in order, and at frame boundaries the buffer is let go or kept small and
 * empty.
 */
class TyrusReadBufferSplitsTest {

    private static final int LIMIT = 1 << 16;
    private final EmbeddedTyrusContainer container = new EmbeddedTyrusContainer("/ws", 1 << 20, LIMIT);

    @AfterEach
    void stop() {
        container.stop();
        TyrusReadBufferTest.RECEIVED.clear();
    }

    private GuardedEngine.GuardedConnection open() throws Exception {
        container.register(ServerEndpointConfig.Builder.create(TyrusReadBufferTest.Collecting.class, "/echo").build());
        return TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/echo");
    }

    /** A masked client frame: opcode, FIN flag and payload, with any length form. */
    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] mask = {0x5a, (byte) 0xc3, 0x11, (byte) 0x9e};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Frames of three messages: a fragmented one with a ping and a pong among its fragments, a small one, another. */
    private static byte[] stream(List<String> expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(frame(0x1, false, utf8("frag-one ")));
        out.writeBytes(frame(0x9, true, utf8("ping!")));
        out.writeBytes(frame(0x0, false, utf8("é-two ")));
        out.writeBytes(frame(0xA, true, new byte[0]));
        out.writeBytes(frame(0x0, true, utf8("three")));
        out.writeBytes(frame(0x1, true, utf8("x".repeat(130))));
        out.writeBytes(frame(0x1, true, new byte[0]));
        out.writeBytes(frame(0x1, true, utf8("last")));
        expected.addAll(List.of("frag-one é-two three", "x".repeat(130), "", "last"));
        return out.toByteArray();
    }

    @Test
    void aStreamSplitIntoTwoReadsAtEveryByteArrivesWhole() throws Exception {
        GuardedEngine.GuardedConnection connection = open();
        List<String> expected = new ArrayList<>();
        byte[] bytes = stream(new ArrayList<>());
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<String> once = new ArrayList<>();
            stream(once);
            expected.addAll(once);
            if (cut > 0) {
                connection.handle(ByteBuffer.wrap(bytes, 0, cut));
            }
            if (cut < bytes.length) {
                connection.handle(ByteBuffer.wrap(bytes, cut, bytes.length - cut));
            }
            assertThat(TyrusReadBufferTest.RECEIVED).as("split at %d", cut).containsExactlyElementsOf(expected);
            assertLetGoOrKeptSmallAndEmpty(connection, "split at " + cut);
        }
    }

    @Test
    void aStreamReadByteByByteArrivesWholeAndTheBufferIsKeptOnlyInsideAFrame() throws Exception {
        GuardedEngine.GuardedConnection connection = open();
        List<String> expected = new ArrayList<>();
        byte[] bytes = stream(expected);
        for (byte b : bytes) {
            connection.handle(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(TyrusReadBufferTest.RECEIVED).containsExactlyElementsOf(expected);
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after the last byte of a frame").isNull();
    }

    @Test
    void framesAtTheLimitSplitAcrossReadsArriveWhole() throws Exception {
        GuardedEngine.GuardedConnection connection = open();
        String big = "b".repeat(LIMIT);
        String fragmented = "f".repeat(LIMIT - 10);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(frame(0x1, true, utf8(big)));
        out.writeBytes(frame(0x1, false, utf8(fragmented.substring(0, 40000))));
        out.writeBytes(frame(0x9, true, utf8("p")));
        out.writeBytes(frame(0x0, true, utf8(fragmented.substring(40000))));
        out.writeBytes(frame(0x1, true, utf8("after")));
        byte[] bytes = out.toByteArray();
        for (int step : new int[] {1, 7, 8192, 65535, 65536, 65543, bytes.length}) {
            TyrusReadBufferTest.RECEIVED.clear();
            for (int from = 0; from < bytes.length; from += step) {
                connection.handle(ByteBuffer.wrap(bytes, from, Math.min(step, bytes.length - from)));
            }
            assertThat(TyrusReadBufferTest.RECEIVED).as("reads of %d bytes", step)
                    .containsExactly(big, fragmented, "after");
            assertLetGoOrKeptSmallAndEmpty(connection, "reads of " + step);
        }
    }

    /**
     * What letting go of the buffer costs: the bytes the reading thread allocates per read of one small whole frame,
     * with the buffer let go and with it kept (ThreadMXBean, deterministic).
     */
    private static void assertLetGoOrKeptSmallAndEmpty(GuardedEngine.GuardedConnection connection, String when) {
        ByteBuffer held = TyrusReadBuffer.held(connection.tyrusReadHandler());
        if (held != null) {
            assertThat(held.hasRemaining()).as(when).isFalse();
            assertThat(held.capacity()).as(when).isLessThanOrEqualTo(
                    GuardedEngine.GuardedConnection.KEPT_BETWEEN_MESSAGES_BYTES);
        }
    }

    static final java.util.concurrent.atomic.AtomicInteger COUNTED = new java.util.concurrent.atomic.AtomicInteger();

    /** Counts the text messages it receives (keeps none: the measurement sees Tyrus's allocation only). */
    public static final class Counting extends jakarta.websocket.Endpoint {
        @Override
        public void onOpen(jakarta.websocket.Session session, jakarta.websocket.EndpointConfig config) {
            session.addMessageHandler(String.class,
                    (jakarta.websocket.MessageHandler.Whole<String>) text -> COUNTED.incrementAndGet());
        }
    }

    @Test
    void allocationPerSmallFrame() throws Exception {
        container.register(ServerEndpointConfig.Builder.create(Counting.class, "/count").build());
        GuardedEngine.GuardedConnection connection =
                TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/count");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] small = frame(0x1, true, utf8("{\"action\":\"typing\"}"));
        int reads = 20_000;
        ReadHandlerOnly tyrus = new ReadHandlerOnly(connection.tyrusReadHandler());
        long guarded = Long.MAX_VALUE;
        long alone = Long.MAX_VALUE;
        // Rounds in turn, the least of each: the JIT's escape analysis removes allocations as it warms up (with 5
        // rounds a full run once saw 36 B added, where the guard adds 0 B once compiled: 10 give the JIT the time).
        int rounds = 10;
        for (int round = 0; round < rounds; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < reads; i++) {
                connection.handle(ByteBuffer.wrap(small));
            }
            guarded = Math.min(guarded, threads.getCurrentThreadAllocatedBytes() - before);
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < reads; i++) {
                tyrus.handle(ByteBuffer.wrap(small));
            }
            alone = Math.min(alone, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(COUNTED.get()).isEqualTo(2 * rounds * reads);
        System.out.printf("bytes per read: guarded %d, Tyrus alone %d, added %d%n", guarded / reads, alone / reads,
                (guarded - alone) / reads);
        assertThat((guarded - alone) / reads).as("bytes added per read of a small message by the guard")
                .isLessThanOrEqualTo(32);
    }

    /**
     * A connection that reads messages keeps its small buffer (no allocation per message); one whose read was a
     * control frame alone (an idle connection answering a ping) or left a buffer above 1 KiB lets it go.
     */
    @Test
    void theBufferIsLetGoAfterAControlFrameOrALargeReadAndKeptWhileMessagesAreSmall() throws Exception {
        GuardedEngine.GuardedConnection connection = open();
        connection.handle(ByteBuffer.wrap(frame(0x1, true, utf8("{\"action\":\"typing\"}"))));
        ByteBuffer held = TyrusReadBuffer.held(connection.tyrusReadHandler());
        assertThat(held).as("after a small message").isNotNull();
        assertThat(held.capacity()).isLessThanOrEqualTo(1024);
        connection.handle(ByteBuffer.wrap(frame(0x1, true, utf8("again"))));
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("the same buffer").isSameAs(held);

        connection.handle(ByteBuffer.wrap(frame(0xA, true, new byte[] {1})));
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after a pong alone").isNull();

        connection.handle(ByteBuffer.wrap(frame(0x1, true, utf8("y".repeat(5000)))));
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after a 5 KB message").isNull();

        byte[] split = frame(0x1, true, utf8("split"));
        connection.handle(ByteBuffer.wrap(split, 0, 3));
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("inside a frame").isNotNull();
        connection.handle(ByteBuffer.wrap(split, 3, split.length - 3));
        assertThat(TyrusReadBufferTest.RECEIVED).containsExactly("{\"action\":\"typing\"}", "again",
                "y".repeat(5000), "split");
    }

    private record ReadHandlerOnly(org.glassfish.tyrus.spi.ReadHandler tyrus) {
        void handle(ByteBuffer data) {
            tyrus.handle(data);
        }
    }
}
