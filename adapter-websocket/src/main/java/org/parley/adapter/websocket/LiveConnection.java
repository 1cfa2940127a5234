package org.parley.adapter.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.application.port.out.OutboundEvent;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open websocket of one user, with what the server tracks about it: the bytes of frames queued and not yet written
 * to its socket (to drop a client that does not read), when it last answered a ping, and its place in the
 * {@link ConnectionCensus} (released once, when the connection ends).
 *
 * <p>Slow consumers (contract §16): a frame that would take the bytes pending for this connection above
 * {@code maxPendingBytes} is not queued; the connection is closed with 4008 {@code slow consumer} (one log line) and
 * nothing more is written to it. Memory held per connection is so bounded by about {@code maxPendingBytes} plus one
 * frame; the socket of a client that still does not read is released a few seconds after the close
 * ({@code container.ReleaseClosedConnections}).
 *
 * <p>Its writes never throw, whatever the container throws (an {@link Error} included): they run on threads every
 * connection shares (group commit's delivery thread, the pinger). A connection whose write throws is closed with
 * 1011, once, with one log line naming its user and the event (never the frame's content), and nothing more is
 * written to it.
 */
final class LiveConnection {

    /** The close of a connection whose pending frames exceed the bound (contract §16). */
    static final CloseReason SLOW_CONSUMER = new CloseReason(CloseReason.CloseCodes.getCloseCode(4008), "slow consumer");
    /** RFC 6455 §7.4.1's 1013 (registered as "Try Again Later"): it sent frames faster than they could be handled. */
    static final CloseReason TOO_MANY_FRAMES_WAITING =
            new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many frames waiting");

    private static final CloseReason WRITE_FAILED =
            new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Internal error");
    private static final Logger LOG = LoggerFactory.getLogger(LiveConnection.class);
    /**
     * The most bytes of frames joined into one write ({@link #send(List, OutboundEvent, JoinedBuffers)}): enough for a
     * batch's frames to one connection under load (a few hundred bytes each), small enough that joining never makes a
     * large array.
     */
    static final int MOST_BYTES_JOINED = 64 * 1024;
    /** Counters in fields of their own, not Atomic* objects: 40 bytes less for each connection held. */
    private static final AtomicLongFieldUpdater<LiveConnection> PENDING_BYTES =
            AtomicLongFieldUpdater.newUpdater(LiveConnection.class, "pendingBytes");
    private static final AtomicIntegerFieldUpdater<LiveConnection> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(LiveConnection.class, "ended");

    private final UserId user;
    private final Session session;
    private final long maxPendingBytes;
    private final ConnectionCensus.Lease lease;
    private final ChatMetrics metrics;
    /** Writes its frames framed by Parley; null: they go through JSR-356 ({@code sendText}). */
    private final FrameWriter frames;
    /** Its frames' order across the reading thread and the workers. */
    private final FrameLane lane;
    /** Bytes of frames queued and not yet written ({@link #PENDING_BYTES}). */
    private volatile long pendingBytes;
    /** 1 once {@link #ended()} has run ({@link #ENDED}). */
    private volatile int ended;
    /**
     * When the server opened it (the wall clock: compared with instants from other nodes), as the seconds and nanoseconds
     * of an {@link Instant}: two fields, not an {@code Instant} object, 16 bytes less per connection held.
     */
    private final long openedAtSecond;
    private final int openedAtNano;
    private volatile long lastPongNanos;
    /** Set when a write threw: the connection is being closed and nothing more is written to it. */
    private volatile boolean broken;

    /**
     * @param nowNanos        the monotonic time it opened at (counts as its first pong)
     * @param maxPendingBytes the most bytes of frames queued for it and not yet written
     * @param lease           its place in the census, released by {@link #ended()}
     */
    LiveConnection(UserId user, Session session, long nowNanos, long maxPendingBytes, ConnectionCensus.Lease lease) {
        this(user, session, nowNanos, maxPendingBytes, lease, ChatMetrics.none());
    }

    /** @param metrics told of its replies and of a slow-consumer close */
    LiveConnection(UserId user, Session session, long nowNanos, long maxPendingBytes, ConnectionCensus.Lease lease,
                   ChatMetrics metrics) {
        this(user, session, nowNanos, maxPendingBytes, lease, metrics, null);
    }

    /**
     * @param frames the connection's {@link FrameWriter}, which writes its frames without Tyrus's per-frame copies; null
     *               to send through JSR-356 (a connection with a negotiated extension, such as permessage-deflate,
     *               must: the writer bypasses extensions)
     */
    LiveConnection(UserId user, Session session, long nowNanos, long maxPendingBytes, ConnectionCensus.Lease lease,
                   ChatMetrics metrics, FrameWriter frames) {
        this(user, session, nowNanos, maxPendingBytes, lease, metrics, frames, new FrameLane(Runnable::run, maxPendingBytes));
    }

    /**
     * @param lane where its frames that are not handled on the reading thread run, in order ({@link FrameLane}); the
     *             other constructors give one that runs them on the submitting thread (tests)
     */
    LiveConnection(UserId user, Session session, long nowNanos, long maxPendingBytes, ConnectionCensus.Lease lease,
                   ChatMetrics metrics, FrameWriter frames, FrameLane lane) {
        Instant now = Instant.now();
        this.openedAtSecond = now.getEpochSecond();
        this.openedAtNano = now.getNano();
        this.lane = Objects.requireNonNull(lane, "lane");
        this.frames = frames;
        this.metrics = metrics;
        this.user = user;
        this.session = session;
        this.lastPongNanos = nowNanos;
        this.maxPendingBytes = maxPendingBytes;
        this.lease = lease;
    }

    /** A connection with 1 MiB of pending frames and no census (tests). */
    LiveConnection(UserId user, Session session, long nowNanos) {
        this(user, session, nowNanos, WebSocketSettings.DEFAULT_MAX_PENDING_BYTES, () -> { });
    }

    UserId user() {
        return user;
    }

    FrameLane lane() {
        return lane;
    }

    Instant openedAt() {
        return Instant.ofEpochSecond(openedAtSecond, openedAtNano);
    }

    Session session() {
        return session;
    }

    boolean isOpen() {
        return session.isOpen();
    }

    /**
     * Queues a text frame of the server's own (an error frame) without waiting for it to be written; never throws.
     * Counted before it is queued, so that a client that has read it finds it counted.
     */
    void send(String frame) {
        metrics.framesOut(ChatMetrics.FrameOut.REPLY, 1);
        send(frame, null);
    }

    /**
     * Queues a text frame without waiting for it to be written; never throws.
     *
     * @param event the event the frame tells of, or null for a frame of the server's own (named in the log)
     */
    void send(String frame, OutboundEvent event) {
        send(OutgoingFrame.of(frame), event);
    }

    /**
     * Queues a text frame without waiting for it to be written; never throws. The pending bytes counted are the
     * frame's UTF-8 payload.
     *
     * @param event the event the frame tells of, or null for a frame of the server's own (named in the log)
     */
    void send(OutgoingFrame frame, OutboundEvent event) {
        if (broken || !session.isOpen()) {
            return;
        }
        if (frames == null) {
            String text = frame.text();
            long bytes = ChatEndpoint.utf8Length(text);
            if (tookRoomFor(bytes)) {
                try {
                    session.getAsyncRemote().sendText(text,
                            result -> written(bytes, result.isOK() ? null : result.getException()));
                } catch (Throwable failure) {
                    PENDING_BYTES.addAndGet(this, -bytes);
                    writeFailed(event, failure);
                }
            }
        } else {
            byte[] framed = frame.framed();
            write(framed, FrameWriter.payloadLength(framed), event);
        }
    }

    /**
     * Queues {@code frames}, in their order, without waiting; never throws. Frames this connection writes itself
     * ({@link #writesItsOwnFrames()}) go out joined, in one write to its socket per {@value #MOST_BYTES_JOINED} bytes
     * (a longer frame alone), in an array of {@code arrays} that goes back to them once written; the pending bytes
     * counted and bounded are their payloads together. A write joins no more frames than the bound has room for when
     * it starts (at least one), so joining refuses nothing that writing frame by frame would queue; a frame that does
     * not fit closes the connection (4008), and neither it nor any frame after it is queued. Through JSR-356 they are sent one by one,
     * as
     * {@link #send(OutgoingFrame, OutboundEvent)} sends each.
     *
     * @param event  the first event the frames tell of (named in the log should the write fail)
     * @param arrays where the arrays frames are joined in come from, and go back to once written
     */
    void send(List<OutgoingFrame> frames, OutboundEvent event, JoinedBuffers arrays) {
        int count = frames.size();
        if (this.frames == null || count == 1) {
            for (int i = 0; i < count && !broken; i++) {
                send(frames.get(i), event);
            }
            return;
        }
        int from = 0;
        while (from < count && !broken && session.isOpen()) {
            byte[] first = frames.get(from).framed();
            int length = first.length;
            // No more joined than the bound has room for now: frames that fit one by one (each written, and often
            // taken by the socket, before the next is counted) are never refused for being joined.
            long room = maxPendingBytes - pendingBytes - FrameWriter.payloadLength(first);
            int to = from + 1;
            while (to < count) {
                byte[] next = frames.get(to).framed();
                int nextPayload = FrameWriter.payloadLength(next);
                if (length + next.length > MOST_BYTES_JOINED || nextPayload > room) {
                    break;
                }
                length += next.length;
                room -= nextPayload;
                to++;
            }
            if (to - from == 1) {
                write(first, FrameWriter.payloadLength(first), event);
            } else {
                byte[] joined = arrays.take(length);
                long payload = 0;
                int at = 0;
                for (int i = from; i < to; i++) {
                    byte[] framed = frames.get(i).framed();
                    System.arraycopy(framed, 0, joined, at, framed.length);
                    at += framed.length;
                    payload += FrameWriter.payloadLength(framed);
                }
                writeJoined(joined, length, payload, event, arrays);
            }
            from = to;
        }
    }

    /**
     * Writes {@code framed}, one or more whole frames of {@code payloadBytes} payload bytes together, through the
     * connection's {@link FrameWriter}, bounded by {@link #maxPendingBytes}; never throws.
     */
    private void write(byte[] framed, long payloadBytes, OutboundEvent event) {
        if (!tookRoomFor(payloadBytes)) {
            return;
        }
        try {
            if (!frames.writeText(framed, failure -> written(payloadBytes, failure))) {
                // Tyrus has written its close frame: nothing more goes out, as when the session is closed.
                PENDING_BYTES.addAndGet(this, -payloadBytes);
            }
        } catch (Throwable failure) {
            PENDING_BYTES.addAndGet(this, -payloadBytes);
            writeFailed(event, failure);
        }
    }

    /**
     * As {@link #write}, of the first {@code length} bytes of {@code joined}, an array of {@code arrays}: given back
     * once the socket has taken them all, or at once when nothing was written; never when the write failed (the
     * container may still hold it).
     */
    private void writeJoined(byte[] joined, int length, long payloadBytes, OutboundEvent event, JoinedBuffers arrays) {
        if (!tookRoomFor(payloadBytes)) {
            arrays.giveBack(joined);
            return;
        }
        try {
            if (!frames.writeText(joined, length, failure -> {
                if (failure == null) {
                    arrays.giveBack(joined);
                }
                written(payloadBytes, failure);
            })) {
                PENDING_BYTES.addAndGet(this, -payloadBytes);
                arrays.giveBack(joined);
            }
        } catch (Throwable failure) {
            PENDING_BYTES.addAndGet(this, -payloadBytes);
            writeFailed(event, failure);
        }
    }

    /** Counts {@code bytes} more as pending; when that would exceed the bound, counts nothing and closes with 4008. */
    private boolean tookRoomFor(long bytes) {
        if (PENDING_BYTES.addAndGet(this, bytes) > maxPendingBytes) {
            PENDING_BYTES.addAndGet(this, -bytes);
            slowConsumer();
            return false;
        }
        return true;
    }

    private void writeFailed(OutboundEvent event, Throwable failure) {
        writeFailed(event == null ? "a frame of the server's own" : WebSocketDelivery.describe(event), failure);
    }

    /** A frame of {@code bytes} is written, or failed ({@code failure} not null). */
    private void written(long bytes, Throwable failure) {
        PENDING_BYTES.addAndGet(this, -bytes);
        if (failure != null) {
            LOG.debug("A frame for user {} could not be sent: {}", user, Failures.describe(failure));
            if (session.isOpen()) {
                // Refused by the container's own write queue bound while the connection is open: the client is not
                // reading, and it has lost a frame.
                slowConsumer();
            }
        }
    }

    /** Whether its frames are written framed by Parley ({@link FrameWriter}) rather than through JSR-356. */
    boolean writesItsOwnFrames() {
        return frames != null;
    }

    /** Whether nothing more is written to it (it is closing: a slow consumer, a failed write, or it ended). */
    boolean stoppedWriting() {
        return broken;
    }

    /** Bytes of frames queued for this connection and not yet written to its socket. */
    long pendingBytes() {
        return pendingBytes;
    }

    /** Closes the connection with 4008, once: it stopped reading its frames. */
    private void slowConsumer() {
        synchronized (this) {
            if (broken) {
                return;
            }
            broken = true;
        }
        metrics.slowConsumerClosed();
        LOG.info("Closing a connection of user {} with 4008: it does not read its frames (bound: {} bytes waiting)",
                user, maxPendingBytes);
        close(SLOW_CONSUMER);
    }

    /**
     * Closes the connection with 1013, once: while one of its frames waited on storage it sent more than its lane holds
     * ({@link FrameLane#offerFrame}).
     */
    void tooManyFramesWaiting() {
        synchronized (this) {
            if (broken) {
                return;
            }
            broken = true;
        }
        LOG.info("Closing a connection of user {} with 1013: it sent more frames than can wait to be handled (bound: {}"
                + " characters waiting)", user, maxPendingBytes);
        close(TOO_MANY_FRAMES_WAITING);
    }

    /** The connection has ended (closed by either side, failed or dropped): its census lease is released, once. */
    void ended() {
        if (ENDED.compareAndSet(this, 0, 1)) {
            broken = true;
            try {
                lease.release();
            } catch (Throwable e) {
                LOG.warn("The connection count of user {} could not be released: {}", user, Failures.describe(e));
            }
        }
    }

    void ping(ByteBuffer payload) {
        if (broken) {
            return;
        }
        try {
            session.getAsyncRemote().sendPing(payload);
        } catch (Throwable failure) {
            writeFailed("a ping", failure);
        }
    }

    void ponged(long nowNanos) {
        lastPongNanos = nowNanos;
    }

    long lastPongNanos() {
        return lastPongNanos;
    }

    /** Closes the connection; never throws. */
    void close(CloseReason reason) {
        try {
            session.close(reason);
        } catch (Throwable e) {
            LOG.debug("Closing a connection of user {} failed: {}", user, Failures.describe(e));
        }
    }

    /**
     * A write threw: the connection is closed with 1011 and the failure logged, once. The container's way of saying
     * the connection is already closing ({@link IllegalStateException}, {@link IOException}) is logged at debug level
     * only; anything else is a fault and is logged as a warning.
     */
    private void writeFailed(String what, Throwable failure) {
        synchronized (this) {
            if (broken) {
                return;
            }
            broken = true;
        }
        String description = Failures.describe(failure);
        if (failure instanceof IllegalStateException || failure instanceof IOException) {
            LOG.debug("Closing a connection of user {} with 1011: writing {} failed: {}", user, what, description);
        } else {
            LOG.warn("Closing a connection of user {} with 1011: writing {} failed: {}", user, what, description);
        }
        close(WRITE_FAILED);
    }
}
