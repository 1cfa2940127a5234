package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameWriter} over a recording stand-in for Grizzly's writer: Tyrus's frames pass through unchanged and in
 * order with the application's, nothing is written after Tyrus's close frame, an outcome is never told while the
 * writer's lock is held, and the frames it makes are RFC 6455 text frames.
 */
class FrameWriterTest {

    private static final byte[] PING = {(byte) 0x89, 0};
    private static final byte[] CLOSE = {(byte) 0x88, 2, 0x03, (byte) 0xE8};

    private final Recording grizzly = new Recording();
    private final FrameWriter writer = new FrameWriter(grizzly);

    @Test
    void tyrussFramesAndTheApplicationsGoOutInTheOrderWritten() {
        WriterInfo info = new WriterInfo(WriterInfo.MessageType.PING, WriterInfo.RemoteEndpointType.ASYNC);
        byte[] first = FrameWriter.textFrame("first");
        byte[] second = FrameWriter.textFrame("second");
        List<Throwable> outcomes = new ArrayList<>();

        assertThat(writer.writeText(first, outcomes::add)).isTrue();
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() { }, info);
        assertThat(writer.writeText(second, outcomes::add)).isTrue();

        assertThat(grizzly.written).containsExactly(first, PING, second);
        assertThat(grizzly.infos).containsExactly(null, info, null);
        grizzly.completeAll();
        assertThat(outcomes).containsExactly(null, null);
    }

    @Test
    void nothingIsWrittenAfterTyrussCloseFrame() {
        writer.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        List<Throwable> outcomes = new ArrayList<>();

        assertThat(writer.writeText(FrameWriter.textFrame("too late"), outcomes::add)).isFalse();

        assertThat(grizzly.written).containsExactly(CLOSE);
        assertThat(outcomes).isEmpty();
    }

    /**
     * A lingering close: once Tyrus has written its close frame, the TCP connection is closed only when the client's
     * close frame has been read (a socket closed while the client still sends is reset, and the client loses the close
     * frame to the reset).
     */
    @Test
    void afterTyrussCloseFrameTheConnectionIsClosedOnlyOnceTheClientsCloseFrameIsRead() throws Exception {
        writer.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        writer.close();
        assertThat(grizzly.closes).as("closed before the client's close frame").isZero();

        writer.clientCloseFrameRead();
        assertThat(grizzly.closes).isEqualTo(1);
        writer.clientCloseFrameRead();
        assertThat(grizzly.closes).as("one close for one request").isEqualTo(1);
    }

    /** A client that never answers: the close goes on once the linger has passed, and the linger is counted out. */
    @Test
    void aCloseTheClientNeverAnswersGoesOnAfterTheLinger() throws Exception {
        writer.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        long start = System.nanoTime();
        writer.close();
        assertThat(grizzly.closes).isZero();
        long deadline = start + FrameWriter.Lingering.LINGER.plusSeconds(5).toNanos();
        while (grizzly.closes == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(grizzly.closes).isEqualTo(1);
        assertThat(System.nanoTime() - start).as("not before the linger")
                .isGreaterThanOrEqualTo(FrameWriter.Lingering.LINGER.toNanos());
        writer.close();
        assertThat(grizzly.closes).as("asked again after the linger: closed at once, no second linger").isEqualTo(2);
        writer.clientCloseFrameRead();
        assertThat(grizzly.closes).as("a close frame read after the linger closes nothing more").isEqualTo(2);
    }

    /**
     * At most {@link FrameWriter.Lingering#MAX_UNDER_WAY} connections linger at once in a JVM: beyond, a close goes on
     * at once (a user making the server close connections it never answers cannot hold a socket per handshake).
     */
    @Test
    void beyondTheMostLingeringClosesAtOnceAClosesAtOnce() throws Exception {
        List<Recording> lingering = new ArrayList<>();
        List<FrameWriter> writers = new ArrayList<>();
        try {
            while (lingering.size() <= FrameWriter.Lingering.MAX_UNDER_WAY) {
                Recording socket = new Recording();
                FrameWriter frames = new FrameWriter(socket);
                frames.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
                frames.close();
                if (socket.closes == 1) {
                    break;
                }
                lingering.add(socket);
                writers.add(frames);
            }
            assertThat(lingering).as("a close went on at once once the bound was reached")
                    .hasSizeLessThanOrEqualTo(FrameWriter.Lingering.MAX_UNDER_WAY);
            assertThat(lingering).allSatisfy(socket -> assertThat(socket.closes).isZero());
        } finally {
            writers.forEach(FrameWriter::clientCloseFrameRead);
        }
        assertThat(lingering).allSatisfy(socket -> assertThat(socket.closes).isEqualTo(1));
        assertThat(FrameWriter.Lingering.underWay()).as("counted out").isLessThan(FrameWriter.Lingering.MAX_UNDER_WAY);
    }

    /**
     * The TCP connection closed while a close lingered (the client reset it after reading the close frame): the
     * linger is counted out at once, not after {@link FrameWriter.Lingering#LINGER}, so clients that reset cannot keep
     * the bound full; and Tyrus's answer to the closed transport (its close frame, then a close) does not linger.
     */
    @Test
    void aClosedTransportEndsTheLingerAtOnceAndNeverLingers() throws Exception {
        // Other tests' lingers (their servers' timers) may end meanwhile: counts only fall, so compare with "at most".
        writer.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        writer.close();
        assertThat(grizzly.closes).as("lingering").isZero();
        int during = FrameWriter.Lingering.underWay();

        writer.transportClosed();
        assertThat(FrameWriter.Lingering.underWay()).as("counted out at once").isLessThanOrEqualTo(during - 1);
        writer.close();
        assertThat(grizzly.closes).as("no linger once the transport has closed").isEqualTo(1);

        Recording other = new Recording();
        FrameWriter closedFirst = new FrameWriter(other);
        closedFirst.transportClosed();
        closedFirst.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        closedFirst.close();
        assertThat(other.closes).as("Tyrus's answer to a closed transport does not linger").isEqualTo(1);
    }

    /** Tyrus's container tells a connection that its transport closed through it: its writer learns it first. */
    @Test
    void theGuardedConnectionTellsItsWriterThatTheTransportClosed() throws Exception {
        writer.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        writer.close();
        int during = FrameWriter.Lingering.underWay();
        List<String> tyrusClosed = new ArrayList<>();
        org.glassfish.tyrus.spi.Connection tyrus = new org.glassfish.tyrus.spi.Connection() {
            @Override
            public org.glassfish.tyrus.spi.ReadHandler getReadHandler() {
                return data -> { };
            }

            @Override
            public Writer getWriter() {
                return writer;
            }

            @Override
            public CloseListener getCloseListener() {
                return reason -> { };
            }

            @Override
            public void close(jakarta.websocket.CloseReason reason) {
                boolean writerFirst = FrameWriter.Lingering.underWay() <= during - 1;
                tyrusClosed.add(writerFirst ? "after the writer" : "before the writer");
            }
        };
        new GuardedEngine.GuardedConnection(tyrus, 100).close(
                new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.CLOSED_ABNORMALLY, ""));
        assertThat(tyrusClosed).containsExactly("after the writer");
    }

    /** The client closed first: Tyrus's answer and its close go out at once. */
    /** Made by a container's worker, the timer's thread keeps neither its class loader nor its thread-locals. */
    @Test
    void theLingerTimersThreadTakesNothingFromTheWorkerThatMadeIt() throws Exception {
        ClassLoader workersLoader = new ClassLoader(null) { };
        InheritableThreadLocal<String> workersContext = new InheritableThreadLocal<>();
        AtomicReference<String> seenOnTheTimer = new AtomicReference<>("not run");
        AtomicReference<Thread> made = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            workersContext.set("the worker's");
            made.set(FrameWriter.Lingering.timerThread(() -> seenOnTheTimer.set(workersContext.get())));
        });
        worker.setContextClassLoader(workersLoader);
        worker.start();
        worker.join();

        Thread timer = made.get();
        assertThat(timer.getName()).isEqualTo("parley-websocket-linger");
        assertThat(timer.isDaemon()).isTrue();
        assertThat(timer.getContextClassLoader()).isSameAs(FrameWriter.class.getClassLoader());
        timer.start();
        timer.join();
        assertThat(seenOnTheTimer.get()).as("the worker's inheritable thread-local, on the timer").isNull();
    }

    @Test
    void aCloseAfterTheClientsCloseFrameIsNotHeld() throws Exception {
        writer.clientCloseFrameRead();
        assertThat(grizzly.closes).as("nothing to close yet").isZero();
        writer.write(ByteBuffer.wrap(CLOSE), new CompletionHandler<>() { });
        writer.close();
        assertThat(grizzly.closes).isEqualTo(1);
    }

    /** Without a close frame written there is nothing for the client to answer: the close is not held. */
    @Test
    void aCloseWithoutACloseFrameIsNotHeld() throws Exception {
        writer.close();
        assertThat(grizzly.closes).isEqualTo(1);
    }

    @Test
    void anOutcomeReportedInsideTheWriteIsToldOnceTheLockIsReleased() {
        grizzly.failAtOnce = new IllegalStateException("Connection is not open.");
        List<Boolean> lockHeld = new ArrayList<>();
        List<Throwable> outcomes = new ArrayList<>();

        writer.writeText(FrameWriter.textFrame("x"), failure -> {
            lockHeld.add(Thread.holdsLock(writer));
            outcomes.add(failure);
        });

        assertThat(lockHeld).containsExactly(false);
        assertThat(outcomes).containsExactly(grizzly.failAtOnce);
    }

    /**
     * Tyrus's {@code TaskProcessor} lets whichever thread holds its task lock execute the writes queued by others, and
     * Grizzly completes a write inside it when it writes at once or refuses at once: the outcome of a frame whose
     * {@code writeText} returned long ago then arrives inside a later write, with this writer's lock held by the
     * thread making it (a ping, a close frame, another frame). Told there, an outcome that closes the session (Tyrus's
     * lock) would take the locks in the inverse order of Tyrus's own writes.
     */
    @Test
    void anEarlierFramesOutcomeArrivingInsideALaterWriteIsToldOnceTheLockIsReleased() {
        List<Boolean> lockHeld = new ArrayList<>();
        List<Throwable> outcomes = new ArrayList<>();
        writer.writeText(FrameWriter.textFrame("queued"), failure -> {
            lockHeld.add(Thread.holdsLock(writer));
            outcomes.add(failure);
        });
        IllegalStateException refused = new IllegalStateException("Connection is not open.");
        grizzly.onWrite = () -> grizzly.handlers.get(0).failed(refused);

        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() { });

        assertThat(outcomes).containsExactly(refused);
        assertThat(lockHeld).containsExactly(false);
    }

    /**
     * The queue of outcomes held under the lock costs an idle connection nothing: it is made by an outcome that
     * arrives with the lock held (frames completed outside it make none), tells it once the lock is released, and is
     * let go then, whether the outcome was an application frame's or Tyrus's (a ping completed inside its write, as
     * Grizzly reports a write it made at once).
     */
    @Test
    void theHeldOutcomesQueueExistsOnlyWhileOutcomesWait() {
        List<Throwable> outcomes = new ArrayList<>();
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() { });
        writer.writeText(FrameWriter.textFrame("first"), outcomes::add);
        grizzly.completeAll();
        assertThat(outcomes).containsExactly((Throwable) null);
        assertThat(writer.holdsAQueue()).isFalse();

        IllegalStateException refused = new IllegalStateException("Connection is not open.");
        writer.writeText(FrameWriter.textFrame("second"), outcomes::add);
        List<Boolean> queueWhileTold = new ArrayList<>();
        grizzly.onWrite = () -> grizzly.handlers.get(2).failed(refused);
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() { });
        assertThat(outcomes).containsExactly(null, refused);
        assertThat(writer.holdsAQueue()).isFalse();

        List<Boolean> pingCompleted = new ArrayList<>();
        grizzly.onWrite = null;
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() {
            @Override
            public void completed(ByteBuffer result) {
                pingCompleted.add(Thread.holdsLock(writer));
                queueWhileTold.add(writer.holdsAQueue());
            }
        });
        grizzly.onWrite = () -> grizzly.handlers.get(4).completed(null);
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() { });
        assertThat(pingCompleted).containsExactly(false);
        assertThat(queueWhileTold).as("made for it").containsExactly(true);
        assertThat(writer.holdsAQueue()).isFalse();
    }

    /** The same for a frame Tyrus wrote (its handler may be the application's, through JSR-356). */
    @Test
    void tyrussOutcomesAreNeverToldWithTheLockHeldEither() {
        List<Boolean> lockHeld = new ArrayList<>();
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() {
            @Override
            public void completed(ByteBuffer result) {
                lockHeld.add(Thread.holdsLock(writer));
            }
        });
        grizzly.onWrite = () -> grizzly.handlers.get(0).completed(null);

        writer.writeText(FrameWriter.textFrame("later"), failure -> { });
        grizzly.onWrite = null;
        grizzly.failAtOnce = new IllegalStateException("Connection is not open.");
        writer.write(ByteBuffer.wrap(PING), new CompletionHandler<>() {
            @Override
            public void failed(Throwable throwable) {
                lockHeld.add(Thread.holdsLock(writer));
            }
        });

        assertThat(lockHeld).containsExactly(false, false);
    }

    @Test
    void anOutcomeIsToldOnceEvenWhenGrizzlyReportsTwice() {
        List<Throwable> outcomes = new ArrayList<>();
        writer.writeText(FrameWriter.textFrame("x"), outcomes::add);

        grizzly.handlers.get(0).completed(null);
        grizzly.handlers.get(0).failed(new IllegalStateException("late"));

        assertThat(outcomes).containsExactly((Throwable) null);
    }

    @Test
    void framesAreFinalUnmaskedTextFramesWithTheShortestLengthForm() {
        assertHeader(FrameWriter.textFrame(""), 0x81, 0);
        assertHeader(FrameWriter.textFrame("x".repeat(125)), 0x81, 125);
        byte[] medium = FrameWriter.textFrame("x".repeat(126));
        assertHeader(medium, 0x81, 126, 0, 126);
        byte[] largest16 = FrameWriter.textFrame("x".repeat(65_535));
        assertHeader(largest16, 0x81, 126, 0xFF, 0xFF);
        byte[] large = FrameWriter.textFrame("x".repeat(65_536));
        assertHeader(large, 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0);

        String text = "Zo\u00eb \ud83d\ude00 \u65e5";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = FrameWriter.textFrame(text);
        assertHeader(frame, 0x81, utf8.length);
        assertThat(Arrays.copyOfRange(frame, 2, frame.length)).isEqualTo(utf8);

        assertThat(FrameWriter.payloadLength(FrameWriter.textFrame(""))).isZero();
        assertThat(FrameWriter.payloadLength(medium)).isEqualTo(126);
        assertThat(FrameWriter.payloadLength(largest16)).isEqualTo(65_535);
        assertThat(FrameWriter.payloadLength(large)).isEqualTo(65_536);
        assertThat(FrameWriter.payloadLength(frame)).isEqualTo(utf8.length);
    }

    private static void assertHeader(byte[] frame, int... header) {
        for (int i = 0; i < header.length; i++) {
            assertThat(frame[i] & 0xFF).as("header byte %d", i).isEqualTo(header[i]);
        }
    }

    /** Records what is written; completes only when told, or fails at once inside the write. */
    private static final class Recording extends Writer {

        final List<byte[]> written = new ArrayList<>();
        final List<WriterInfo> infos = new ArrayList<>();
        final List<CompletionHandler<ByteBuffer>> handlers = new ArrayList<>();
        Throwable failAtOnce;
        /** Run inside each write, after it is recorded: Grizzly completing earlier writes there. */
        Runnable onWrite;

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
            write(buffer, completionHandler, null);
        }

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler, WriterInfo writerInfo) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            written.add(bytes);
            infos.add(writerInfo);
            handlers.add(completionHandler);
            if (onWrite != null) {
                onWrite.run();
            }
            if (failAtOnce != null) {
                completionHandler.failed(failAtOnce);
            }
        }

        void completeAll() {
            handlers.forEach(handler -> handler.completed(null));
        }

        int closes;

        @Override
        public void close() {
            closes++;
        }
    }
}
