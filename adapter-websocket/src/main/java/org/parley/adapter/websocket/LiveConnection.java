package org.parley.adapter.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.parley.application.port.out.OutboundEvent;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open websocket of one user, with what the server tracks about it: sends still in flight (to drop a client
 * that does not read) and when it last answered a ping.
 *
 * <p>Its writes never throw, whatever the container throws (an {@link Error} included): they run on threads every
 * connection shares (group commit's delivery thread, the pinger). A connection whose write throws is closed with
 * 1011, once, with one log line naming its user and the event (never the frame's content), and nothing more is
 * written to it.
 */
final class LiveConnection {

    /** Frames queued for one connection beyond which the client is considered stuck and is disconnected. */
    static final int MAX_PENDING_SENDS = 1_000;

    private static final CloseReason WRITE_FAILED =
            new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Internal error");
    private static final Logger LOG = LoggerFactory.getLogger(LiveConnection.class);

    private final UserId user;
    private final Session session;
    private final AtomicInteger pendingSends = new AtomicInteger();
    /** When the server opened it (the wall clock: compared with instants from other nodes). */
    private final Instant openedAt = Instant.now();
    private volatile long lastPongNanos;
    /** Set when a write threw: the connection is being closed and nothing more is written to it. */
    private volatile boolean broken;

    LiveConnection(UserId user, Session session, long nowNanos) {
        this.user = user;
        this.session = session;
        this.lastPongNanos = nowNanos;
    }

    UserId user() {
        return user;
    }

    Instant openedAt() {
        return openedAt;
    }

    Session session() {
        return session;
    }

    boolean isOpen() {
        return session.isOpen();
    }

    /** Queues a text frame of the server's own (an error frame) without waiting for it to be written; never throws. */
    void send(String frame) {
        send(frame, null);
    }

    /**
     * Queues a text frame without waiting for it to be written; never throws.
     *
     * @param event the event the frame tells of, or null for a frame of the server's own (named in the log)
     */
    void send(String frame, OutboundEvent event) {
        if (broken || !session.isOpen()) {
            return;
        }
        if (pendingSends.incrementAndGet() > MAX_PENDING_SENDS) {
            pendingSends.decrementAndGet();
            LOG.info("Closing the connection of user {}: it stopped reading its frames", user);
            close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "Too many unread frames"));
            return;
        }
        try {
            session.getAsyncRemote().sendText(frame, result -> {
                pendingSends.decrementAndGet();
                if (!result.isOK()) {
                    LOG.debug("A frame for user {} could not be sent: {}", user,
                            Failures.describe(result.getException()));
                }
            });
        } catch (Throwable failure) {
            pendingSends.decrementAndGet();
            writeFailed(event == null ? "a frame of the server's own" : WebSocketDelivery.describe(event), failure);
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
