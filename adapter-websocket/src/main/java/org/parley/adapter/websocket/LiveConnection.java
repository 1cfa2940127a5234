package org.parley.adapter.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open websocket of one user, with what the server tracks about it: sends still in flight (to drop a client
 * that does not read) and when it last answered a ping.
 */
final class LiveConnection {

    /** Frames queued for one connection beyond which the client is considered stuck and is disconnected. */
    static final int MAX_PENDING_SENDS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(LiveConnection.class);

    private final UserId user;
    private final Session session;
    private final AtomicInteger pendingSends = new AtomicInteger();
    private volatile long lastPongNanos;

    LiveConnection(UserId user, Session session, long nowNanos) {
        this.user = user;
        this.session = session;
        this.lastPongNanos = nowNanos;
    }

    UserId user() {
        return user;
    }

    Session session() {
        return session;
    }

    boolean isOpen() {
        return session.isOpen();
    }

    /** Queues a text frame without waiting for it to be written; never throws. */
    void send(String frame) {
        if (!session.isOpen()) {
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
                    LOG.debug("A frame for user {} could not be sent: {}", user, result.getException().toString());
                }
            });
        } catch (RuntimeException e) {
            pendingSends.decrementAndGet();
            LOG.debug("A frame for user {} could not be queued: {}", user, e.toString());
        }
    }

    void ping(ByteBuffer payload) {
        try {
            session.getAsyncRemote().sendPing(payload);
        } catch (IOException | RuntimeException e) {
            LOG.debug("A ping for user {} could not be sent: {}", user, e.toString());
        }
    }

    void ponged(long nowNanos) {
        lastPongNanos = nowNanos;
    }

    long lastPongNanos() {
        return lastPongNanos;
    }

    void close(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a connection of user {} failed: {}", user, e.toString());
        }
    }
}
