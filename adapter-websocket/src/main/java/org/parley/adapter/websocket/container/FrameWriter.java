package org.parley.adapter.websocket.container;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * One upgraded connection's writer, put in front of the one Grizzly gives Tyrus: every frame Tyrus writes (pings,
 * pongs, its close frame, anything sent through JSR-356) passes through it unchanged, and the application can write
 * whole text frames it framed itself ({@link #writeText}), once per frame however many connections get it, or
 * several whole frames joined in one write.
 *
 * <p>Works around: each text frame sent through JSR-356 ({@code RemoteEndpoint.Async.sendText}, and every other send
 * method, which all end in the same place) costs Tyrus about 2.8 KB of garbage on the sending thread for a 354-byte
 * frame: {@code new TextFrame(String, …)} makes two {@code StrictUtf8} charsets, a decoder and an encoder (whose
 * constructor checks its replacement with yet another decoder), encodes into an array three times the frame's length
 * and trims it ({@code TextFrame.encode}, {@code safeTrim}); {@code ProtocolHandler.frame} copies the payload again
 * ({@code Frame.getPayloadData}) and once more into the packet. Measured on the delivering thread with
 * {@code ThreadMXBean.getThreadAllocatedBytes}: 3,056 B per frame through {@code sendText}, 232 B for the same frame
 * written here. There is no JSR-356 way around it: binary, partial and object sends go through the same
 * {@code ProtocolHandler.frame}, and binary frames are not the seed's wire.
 *
 * <p>What keeps it correct:
 * <ul>
 *   <li>Order: Tyrus writes a frame while holding its {@code ProtocolHandler} lock and calls this writer inside it;
 *       this writer takes its own lock around every write, Tyrus's and the application's, so the frames of a
 *       connection reach Grizzly's queue ({@code GrizzlyWriter}'s {@code TaskProcessor}) one at a time, in the order
 *       they were written, and two threads never enter that queue's {@code processTask} at once.</li>
 *   <li>Nothing after the close frame: once Tyrus has written a close frame (opcode 8), {@link #writeText} writes
 *       nothing and answers {@code false}.</li>
 *   <li>No lock inversion: no outcome, of an application frame or of one of Tyrus's, is told on a thread while it
 *       holds this writer's lock. Grizzly may report a write inside the write call (when it writes at once or refuses
 *       at once), and Tyrus's {@code TaskProcessor} has whichever thread holds its task lock execute the writes other
 *       threads queued, so an earlier frame's outcome can arrive inside any later write: it is held and told by that
 *       thread as it leaves the lock. So an outcome that closes the session (Tyrus's lock, then this one) never runs
 *       while this one is held, as Tyrus's own writes take Tyrus's lock first.</li>
 *   <li>Extensions: a frame written here bypasses Tyrus's extensions ({@code ExtendedExtension.processOutgoing}, such
 *       as permessage-deflate). Parley negotiates none; a connection that has any must be sent to through JSR-356
 *       (the caller checks {@code Session.getNegotiatedExtensions()}).</li>
 * </ul>
 * Tyrus's per-frame bookkeeping that is skipped does nothing in Parley: the session idle timeout is off
 * ({@link EmbeddedTyrusContainer}) and no monitoring listener is registered.
 *
 * <p>The application finds a connection's writer in its endpoint's {@code onOpen}, which Tyrus runs inside
 * {@code UpgradeInfo.createConnection} ({@code TyrusWebSocketEngine.TyrusConnection} constructor, {@code onConnect}) on
 * the thread that upgrades it: {@link #ofConnectionOpening()}; null there means the frames go through JSR-356.
 *
 * <p>Checked on Tyrus 2.2.2 and Grizzly 4.0.2. Proved by {@code FrameWriterTest} (order, nothing after the close
 * frame, outcomes outside the lock, the framing) and {@code ChatWebSocketTest.framesAreWrittenByParleyAndArriveWhole}
 * (frames of every length class and non-ASCII text over a real connection), {@code FramesOnTheWireTest} (no extension
 * for a client offering one; frames of several threads and pings at once, read off a plain socket; nothing after the
 * close frame), with {@code SlowConsumerTest} for the bound on frames not yet written.
 */
public final class FrameWriter extends Writer {

    /** The outcome of one frame written by {@link #writeText}. */
    @FunctionalInterface
    public interface Outcome {

        /** @param failure null once the frame is written to the socket; else why it never will be */
        void done(Throwable failure);
    }

    private static final ThreadLocal<FrameWriter> OPENING = new ThreadLocal<>();
    private static final byte FIN_TEXT = (byte) 0x81;
    private static final int CLOSE_OPCODE = 0x8;

    private final Writer tyrus;
    /** Set, under this writer's lock, once Tyrus has written its close frame. */
    private boolean closeWritten;
    /** Set, under this writer's lock, once the client's close frame has been read ({@link #clientCloseFrameRead}). */
    private boolean clientCloseRead;
    /** Set, under this writer's lock, when Tyrus asked to close before the client's close frame was read. */
    private boolean closeAwaitsClient;
    /**
     * Set, under this writer's lock, once a close has lingered or the TCP connection has closed: a connection lingers
     * once at most, and never once closed.
     */
    private boolean lingered;
    /**
     * Outcomes that arrived on a thread holding this writer's lock: told by it once it has left the lock. Created, under
     * the lock, by the first such outcome, and let go, under the lock, once told and empty: such outcomes come in
     * bursts (a ping's completion reported inside its write), so an idle connection holds none between them, 48 bytes
     * less per connection held.
     */
    private volatile Queue<Runnable> heldOutcomes;

    FrameWriter(Writer tyrus) {
        this.tyrus = tyrus;
    }

    /**
     * Creates the connection of {@code upgrade} with a {@code FrameWriter} in front of {@code writer}, which the
     * endpoint's {@code onOpen} (run inside) finds with {@link #ofConnectionOpening()}.
     */
    static Connection createConnection(WebSocketEngine.UpgradeInfo upgrade, Writer writer,
                                       Connection.CloseListener closeListener) {
        FrameWriter frames = new FrameWriter(writer);
        OPENING.set(frames);
        try {
            return upgrade.createConnection(frames, closeListener);
        } finally {
            OPENING.remove();
        }
    }

    /** The writer of the connection whose {@code onOpen} runs on this thread, or null (then use JSR-356). */
    public static FrameWriter ofConnectionOpening() {
        return OPENING.get();
    }

    /**
     * A whole, final, unmasked text frame (RFC 6455 §5.2) of {@code text} in UTF-8, as a server sends it: what
     * {@link #writeText} takes. An unpaired surrogate is written as {@code ?} (Parley refuses such text before it is
     * stored: contract §10).
     */
    public static byte[] textFrame(String text) {
        // Frames are mostly ASCII: then the characters are the payload, copied straight into the frame in one pass
        // (no intermediate UTF-8 array); the first other character sends the text through the UTF-8 encoder.
        int length = text.length();
        byte[] frame = headed(length);
        int header = frame.length - length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                byte[] payload = text.getBytes(StandardCharsets.UTF_8);
                frame = headed(payload.length);
                System.arraycopy(payload, 0, frame, frame.length - payload.length, payload.length);
                return frame;
            }
            frame[header + i] = (byte) c;
        }
        return frame;
    }

    /**
     * As {@link #textFrame(String)}, of text already in UTF-8: {@code length} bytes of {@code utf8} from
     * {@code offset}, copied.
     */
    public static byte[] textFrame(byte[] utf8, int offset, int length) {
        byte[] frame = headed(length);
        System.arraycopy(utf8, offset, frame, frame.length - length, length);
        return frame;
    }

    /**
     * As {@link #textFrame(String)}, with its header written and its {@code length} payload bytes left for the caller
     * to fill, from index {@code frame.length - length} on, before the frame is written anywhere.
     */
    public static byte[] textFrameToFill(int length) {
        return headed(length);
    }

    /** A frame of {@code length} payload bytes with its header written: the payload is left to the caller. */
    private static byte[] headed(int length) {
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = FIN_TEXT;
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        return frame;
    }

    /** The payload bytes of a frame made by {@link #textFrame}. */
    public static int payloadLength(byte[] frame) {
        int code = frame[1] & 0x7F;
        return frame.length - (code <= 125 ? 2 : code == 126 ? 4 : 10);
    }

    /**
     * Queues {@code frame} (made by {@link #textFrame}; never changed afterwards, so one array may go to many
     * connections) behind every frame written before it, without waiting; {@code outcome} is told once, never while
     * this writer's lock is held, possibly before this method returns.
     *
     * @return false, writing nothing and telling {@code outcome} nothing, when Tyrus has already written its close
     *         frame
     */
    public boolean writeText(byte[] frame, Outcome outcome) {
        return writeText(frame, frame.length, outcome);
    }

    /**
     * As {@link #writeText(byte[], Outcome)}, of the first {@code length} bytes of {@code frames}: one or more whole
     * frames made by {@link #textFrame}, one after the other, which go out in this one write. The bytes must not change
     * until {@code outcome} is told; once it is told a success, the socket has taken them all and the array may be
     * used again.
     */
    public boolean writeText(byte[] frames, int length, Outcome outcome) {
        Reported reported = new Reported(this, outcome);
        try {
            synchronized (this) {
                if (closeWritten) {
                    return false;
                }
                tyrus.write(ByteBuffer.wrap(frames, 0, length), reported);
            }
        } finally {
            tellHeldOutcomes();
        }
        reported.release();
        return true;
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        try {
            synchronized (this) {
                noteClose(buffer);
                tyrus.write(buffer, outsideTheLock(completionHandler));
            }
        } finally {
            tellHeldOutcomes();
        }
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler, WriterInfo writerInfo) {
        try {
            synchronized (this) {
                noteClose(buffer);
                tyrus.write(buffer, outsideTheLock(completionHandler), writerInfo);
            }
        } finally {
            tellHeldOutcomes();
        }
    }

    /**
     * Runs {@code outcome} now, or, on a thread holding this writer's lock, once that thread has left it. Grizzly
     * completes a write inside the write call when it writes or refuses it at once, and Tyrus's {@code TaskProcessor}
     * has whichever thread holds its task lock execute the writes other threads queued: so the outcome of any earlier
     * frame, the application's or Tyrus's (whose handler may be the application's, through JSR-356), can arrive
     * inside a later write, with this lock held.
     */
    private void tell(Runnable outcome) {
        if (Thread.holdsLock(this)) {
            Queue<Runnable> held = heldOutcomes;
            if (held == null) {
                held = new ConcurrentLinkedQueue<>();
                heldOutcomes = held;
            }
            held.add(outcome);
        } else {
            outcome.run();
        }
    }

    /** Tells the outcomes held while this thread held the lock, in the order they arrived; not while it holds it. */
    private void tellHeldOutcomes() {
        Queue<Runnable> held = heldOutcomes;
        if (held == null || Thread.holdsLock(this)) {
            return;
        }
        RuntimeException first = null;
        for (Runnable outcome = held.poll(); outcome != null; outcome = held.poll()) {
            try {
                outcome.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        // Outcomes are added under the lock only: one added since the loop ended keeps the queue, and the thread that
        // added it tells it as it leaves the lock.
        synchronized (this) {
            if (heldOutcomes == held && held.isEmpty()) {
                heldOutcomes = null;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Tyrus's handler of a frame it writes, told only outside this writer's lock ({@link #tell}). */
    private CompletionHandler<ByteBuffer> outsideTheLock(CompletionHandler<ByteBuffer> handler) {
        if (handler == null) {
            return null;
        }
        return new CompletionHandler<>() {
            @Override
            public void cancelled() {
                tell(handler::cancelled);
            }

            @Override
            public void failed(Throwable throwable) {
                tell(() -> handler.failed(throwable));
            }

            @Override
            public void completed(ByteBuffer result) {
                tell(() -> handler.completed(result));
            }

            @Override
            public void updated(ByteBuffer result) {
                tell(() -> handler.updated(result));
            }
        };
    }

    /** Whether it holds a queue of outcomes now (tests: not between writes). */
    boolean holdsAQueue() {
        return heldOutcomes != null;
    }

    /**
     * Closes the TCP connection, or, when Tyrus has written its close frame and the client's has not been read yet,
     * once it is read ({@link #clientCloseFrameRead}) or {@link Lingering#LINGER} has passed, whichever comes first: a
     * lingering close. At most {@link Lingering#MAX_UNDER_WAY} connections of this JVM linger at once; beyond that a
     * close goes on at once, as Tyrus's own does (the endpoint's {@code onClose} has run, so a connection lingering is
     * no longer counted against its user's connections: without the bound, a user at the limit who makes the server
     * close connections and never answers could hold a socket per handshake for the whole linger).
     *
     * <p>Works around: Tyrus closes the TCP connection as soon as its close frame is queued
     * ({@code ProtocolHandler.close}, {@code TyrusWebSocket.onClose}, {@code doClose}), whatever the client is still
     * sending. A socket closed with unread bytes in its receive buffer is reset by the kernel (RFC 1122 §4.2.2.13;
     * Linux does so), and a client still writing then sees the reset, not the close frame before it: a client whose
     * frame was refused with 1009 from its header while it was still sending the frame saw 1006 instead. RFC 6455
     * §7.1.1 has the server close TCP after both close frames. The frames the client sends meanwhile are read and
     * dropped ({@link FrameSizeGuard}, and Tyrus, whose session has ended). A client that never answers is closed at
     * the linger's end (and, if it does not read either, reset by {@link ReleaseClosedConnections} as before), one
     * that closes TCP by Grizzly as it reads the end of the stream. Proved by {@code RawFrameTest} (a client still
     * sending its refused frame gets the 1009 and an orderly end) and {@code FrameWriterTest}.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closeAwaitsClient) {
                return; // asked again while lingering: the linger's end closes
            }
            if (closeWritten && !clientCloseRead && !lingered && Lingering.begin()) {
                if (Lingering.endAfterTheLinger(this::endTheLinger)) {
                    closeAwaitsClient = true;
                    lingered = true;
                    return;
                }
                Lingering.ended();
            }
        }
        tyrus.close();
    }

    /**
     * Called by the connection's reader as soon as the client's close frame is whole: a close that awaited it
     * ({@link #close}) goes on now, and a later one is not held.
     */
    void clientCloseFrameRead() {
        synchronized (this) {
            clientCloseRead = true;
        }
        endTheLinger();
    }

    /**
     * Called once the TCP connection has closed, whatever closed it (Tyrus's container tells the connection: the peer
     * reset it, the server closed it, {@link ReleaseClosedConnections} terminated it): a linger under way is counted
     * out at once, and none begins from now on (Tyrus answers a transport's close by writing its close frame and
     * closing, which must not linger on a dead socket).
     */
    void transportClosed() {
        boolean wasLingering;
        synchronized (this) {
            wasLingering = closeAwaitsClient;
            closeAwaitsClient = false;
            lingered = true;
        }
        if (wasLingering) {
            Lingering.ended();
        }
    }

    /**
     * Ends a linger under way, if any (the client's close frame was read, or {@link Lingering#LINGER} has passed): the
     * close goes on now, and the linger is counted out. Once per linger, whichever comes first.
     */
    private void endTheLinger() {
        boolean closeNow;
        synchronized (this) {
            closeNow = closeAwaitsClient;
            closeAwaitsClient = false;
        }
        if (closeNow) {
            Lingering.ended();
            try {
                tyrus.close();
            } catch (IOException | RuntimeException alreadyClosing) {
                // Grizzly's close never throws here; a connection already closing needs nothing more.
            }
        }
    }

    /** The lingering closes of this JVM's connections ({@link #close}): how many, and the timer that ends them. */
    static final class Lingering {
        /** The most connections lingering at once in this JVM. */
        static final int MAX_UNDER_WAY = 1_000;
        /** How long a close waits for the client's close frame at most: {@link ReleaseClosedConnections}' grace. */
        static final Duration LINGER = ReleaseClosedConnections.DEFAULT_GRACE;
        private static final AtomicInteger UNDER_WAY = new AtomicInteger();
        /** One thread, started by the first linger and gone 10 s after the last. */
        private static final ScheduledThreadPoolExecutor TIMER = timer();

        private Lingering() {
        }

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(0, Lingering::timerThread);
            timer.setKeepAliveTime(10, TimeUnit.SECONDS);
            return timer;
        }

        /**
         * The timer's thread. It is made by whichever thread starts a linger (a container's worker), so it takes
         * nothing of that thread's context: not its context class loader (which would keep, say, a web application's
         * loader alive while the thread lives) nor its inheritable thread-locals.
         */
        static Thread timerThread(Runnable runnable) {
            Thread thread = new Thread(null, runnable, "parley-websocket-linger", 0, false);
            thread.setContextClassLoader(FrameWriter.class.getClassLoader());
            thread.setDaemon(true);
            return thread;
        }

        /** Counts a linger in, unless {@link #MAX_UNDER_WAY} are under way: then false (close at once). */
        static boolean begin() {
            while (true) {
                int now = UNDER_WAY.get();
                if (now >= MAX_UNDER_WAY) {
                    return false;
                }
                if (UNDER_WAY.compareAndSet(now, now + 1)) {
                    return true;
                }
            }
        }

        /** Counts a linger out: once per {@link #begin} that answered true. */
        static void ended() {
            UNDER_WAY.decrementAndGet();
        }

        /** Lingers under way now (tests). */
        static int underWay() {
            return UNDER_WAY.get();
        }

        /** Runs {@code end} {@link #LINGER} from now; false if it cannot be scheduled (then close at once). */
        static boolean endAfterTheLinger(Runnable end) {
            try {
                TIMER.schedule(end, LINGER.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (RuntimeException | Error rejected) {
                // Rejected, or no thread could be made for the timer: a task queued all the same finds nothing to end.
                return false;
            }
        }
    }

    /** Tyrus writes one whole frame per call: its first byte holds the opcode. */
    private void noteClose(ByteBuffer buffer) {
        if (buffer.hasRemaining() && (buffer.get(buffer.position()) & 0x0F) == CLOSE_OPCODE) {
            closeWritten = true;
        }
    }

    /**
     * Hands an outcome to the application only once the writing thread has left the lock: an outcome that arrives
     * before {@link #release()} is kept and told by {@code release}; one that arrives after is told at once, or, if it
     * arrives on a thread holding the lock (inside a later write), once that thread has left it.
     */
    private static final class Reported extends CompletionHandler<ByteBuffer> {

        private static final Object PENDING = new Object();
        private static final Object RELEASED = new Object();
        private static final Object WRITTEN = new Object();
        private static final Object TOLD = new Object();
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Reported.class, "state", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final FrameWriter writer;
        private final Outcome outcome;
        @SuppressWarnings("unused") // through STATE
        private volatile Object state = PENDING;

        Reported(FrameWriter writer, Outcome outcome) {
            this.writer = writer;
            this.outcome = outcome;
        }

        @Override
        public void completed(ByteBuffer result) {
            report(WRITTEN);
        }

        @Override
        public void failed(Throwable throwable) {
            report(throwable);
        }

        @Override
        public void cancelled() {
            report(new IOException("The frame's write was cancelled"));
        }

        void release() {
            Object arrived = STATE.compareAndExchange(this, PENDING, RELEASED);
            if (arrived != PENDING) {
                state = TOLD;
                tell(arrived);
            }
        }

        /** Keeps the first outcome until {@link #release()}, or tells it if released; later ones are ignored. */
        private void report(Object result) {
            Object was = STATE.compareAndExchange(this, PENDING, result);
            if (was == RELEASED && STATE.compareAndSet(this, RELEASED, TOLD)) {
                tell(result);
            }
        }

        private void tell(Object result) {
            Throwable failure = result == WRITTEN ? null : (Throwable) result;
            if (Thread.holdsLock(writer)) {
                writer.tell(() -> outcome.done(failure));
            } else {
                outcome.done(failure); // the usual case: no held outcome to allocate
            }
        }
    }
}
