package org.parley.adapter.websocket;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.adapter.websocket.container.FramesInOrder;
import org.parley.adapter.websocket.container.TyrusOnGrizzly;
import org.parley.application.port.in.TrackPresence;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat endpoint. One stateless instance serves every connection: what belongs to a connection, its
 * {@link LiveConnection} (with its user's id), is known to the one message handler ({@link Handlers}) Tyrus keeps per
 * connection. The authenticated user and the census lease that {@link HandshakeAuthenticator} accepted are handed to
 * {@code onOpen} by the upgrade (or, outside Parley's engine, taken out of the session's user properties): an idle
 * connection keeps only what it needs and its user properties stay empty (docs/PERFORMANCE.md, "Idle connections").
 *
 * <p>Handshakes ({@code onOpen}) run on Grizzly worker threads; a connection's reads run on the selector thread that
 * read them (see {@link ChatWebSocket}), which serves many connections and so must never wait. There, a hot
 * {@code text_message} (its receiver, thread and send budget all in memory: {@link InboundFrames#handleFromMemory})
 * is handled at once; every other frame, and the end of the connection ({@code onClose}, {@code onError}), goes to the
 * connection's {@link FrameLane}, which runs them on worker threads in arrival order, where a use case may query
 * storage. Once one frame of a connection is in its lane, its later frames follow it there until the lane is empty.
 * Pongs are only timed, on the reading thread.
 *
 * <p>Public only because Tyrus invokes the endpoint callbacks reflectively and cannot reach a package-private class;
 * it cannot be constructed outside this package. Bootstrap uses {@link ChatWebSocket#attachTo} instead.
 */
public final class ChatEndpoint extends Endpoint {

    static final String USER_PROPERTY = "org.parley.websocket.user";
    /** The connection's {@link ConnectionCensus.Lease}, taken by {@link HandshakeAuthenticator}. */
    static final String LEASE_PROPERTY = "org.parley.websocket.lease";
    private static final Logger LOG = LoggerFactory.getLogger(ChatEndpoint.class);

    private final ConnectionRegistry connections;
    private final InboundFrames inbound;
    private final TrackPresence presence;
    /** What a frame waiting in a lane weighs beyond its text (UTF-16 units): its task and queue entry, roughly. */
    static final long FRAME_OVERHEAD_CHARS = 64;

    private final int maxTextFrameBytes;
    private final long maxPendingBytes;
    private final LongSupplier nanoClock;
    private final ChatMetrics metrics;
    /** Runs the frames of {@link FrameLane}s: Grizzly's worker threads. */
    private final Executor workers;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; tests control it): when pongs arrive */
    ChatEndpoint(ConnectionRegistry connections, InboundFrames inbound, TrackPresence presence,
                 WebSocketSettings settings, LongSupplier nanoClock) {
        this(connections, inbound, presence, settings, nanoClock, ChatMetrics.none(), Runnable::run);
    }

    /**
     * @param metrics told of every connection's replies and slow-consumer close
     * @param workers runs what a connection's reading thread must not ({@link FrameLane}): worker threads, never the
     *                calling thread, never blocking it ({@code Runnable::run} only in tests without a server)
     */
    ChatEndpoint(ConnectionRegistry connections, InboundFrames inbound, TrackPresence presence,
                 WebSocketSettings settings, LongSupplier nanoClock, ChatMetrics metrics, Executor workers) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.metrics = metrics;
        this.connections = connections;
        this.inbound = inbound;
        this.presence = presence;
        this.maxTextFrameBytes = settings.maxTextFrameBytes();
        this.maxPendingBytes = settings.maxPendingBytes();
        this.nanoClock = nanoClock;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Neither is kept in the session: the connection keeps its user's id, all its frames need (the user itself,
        // some hundreds of bytes, would otherwise live as long as the connection). Handed over by the upgrade, they
        // never enter the session's user properties (whose table would stay: 112 bytes per connection).
        Object authenticated;
        Object counted;
        if (TyrusOnGrizzly.opening(session) instanceof Accepted accepted) {
            authenticated = accepted.user();
            counted = accepted.lease();
        } else {
            authenticated = session.getUserProperties().remove(USER_PROPERTY);
            counted = session.getUserProperties().remove(LEASE_PROPERTY);
        }
        ConnectionCensus.Lease lease = counted instanceof ConnectionCensus.Lease given ? given : () -> { };
        if (!(authenticated instanceof User user)) {
            // Cannot happen: the handshake is refused without a user. Refuse the connection all the same.
            lease.release();
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(4401), "Unauthorized"));
            return;
        }
        // This one instance serves every connection (HandshakeAuthenticator.getEndpointInstance).
        TyrusOnGrizzly.openedWithSharedInstance(session);
        session.setMaxTextMessageBufferSize(maxTextFrameBytes);
        session.setMaxBinaryMessageBufferSize(maxTextFrameBytes);
        // Frames framed by Parley skip Tyrus's per-frame copies, but also its extensions: only without any.
        FrameWriter frames = session.getNegotiatedExtensions().isEmpty() ? FrameWriter.ofConnectionOpening() : null;
        Handlers handlers = new Handlers(this, lease, tracked(user));
        LiveConnection connection = new LiveConnection(user.id(), session, nanoClock.getAsLong(), maxPendingBytes,
                handlers, metrics, frames, new FrameLane(workers, maxPendingBytes));
        // Found again through its handler, which the session keeps anyway (connectionOf).
        handlers.connection = connection;
        // A close frame read while frames wait in the lane is handled after them (Tyrus would answer it at once).
        FramesInOrder.forConnectionOpening(connection.lane());
        // One object answers text, binary and pong messages (Tyrus keeps a handler per type; the same one may be given
        // for several): three lambdas fewer per connection.
        try {
            session.addMessageHandler(String.class, handlers.typed());
            session.addMessageHandler(ByteBuffer.class, handlers.typed());
            session.addMessageHandler(PongMessage.class, handlers.typed());
        } catch (IllegalStateException closedWhileOpening) {
            // Tyrus refuses handlers once the session is closed; an onClose before this could not find the connection.
            connection.ended();
            return;
        }
        connections.add(connection);
        if (!session.isOpen()) {
            // Closed while opening (onClose may have run before the connection was known): forget it here.
            forget(session);
        }
        LOG.debug("User {} connected", user.id());
    }

    /** What a handshake accepted, handed to its connection's {@link #onOpen} ({@link TyrusOnGrizzly#handOver}). */
    record Accepted(User user, ConnectionCensus.Lease lease) {
    }

    /**
     * The connection of {@code session} once {@link #onOpen} has made it, else null: its {@link Handlers}, which the
     * session holds as its message handler, knows it (no entry of the session's user properties per connection).
     * Asked when a connection ends, not per frame: Tyrus copies its handlers into a set when asked.
     */
    private static LiveConnection connectionOf(Session session) {
        for (MessageHandler handler : session.getMessageHandlers()) {
            if (handler instanceof Handlers handlers) {
                return handlers.connection;
            }
        }
        return null;
    }

    /** The user's place in {@link TrackPresence} (contract §13: online while the connection is open); null if it failed. */
    private TrackPresence.Connection tracked(User user) {
        try {
            return presence.opened(user.id());
        } catch (Throwable e) {
            LOG.warn("The presence of user {} could not be tracked: {}", user.id(), Failures.describe(e));
            return null;
        }
    }

    /**
     * What one connection needs besides its {@link LiveConnection}, in one object (it lives as long as the
     * connection): its text, binary and pong message handler, and its census lease together with its place in
     * {@link TrackPresence}, released together when the connection ends ({@link LiveConnection#ended()}). Was three
     * handler lambdas and a releasing lambda, about 88 bytes per connection; this is 32.
     */
    static final class Handlers implements MessageHandler.Whole<Object>, ConnectionCensus.Lease {
        private final ChatEndpoint endpoint;
        private final ConnectionCensus.Lease lease;
        /** Null when tracking failed: then only the lease is released. */
        private final TrackPresence.Connection presence;
        /** Set once, right after the connection is made and before any handler is registered. */
        volatile LiveConnection connection;

        Handlers(ChatEndpoint endpoint, ConnectionCensus.Lease lease, TrackPresence.Connection presence) {
            this.endpoint = endpoint;
            this.lease = lease;
            this.presence = presence;
        }

        /** This handler as Tyrus takes it for any one message type (it dispatches on the message's own type). */
        @SuppressWarnings("unchecked")
        <T> MessageHandler.Whole<T> typed() {
            return (MessageHandler.Whole<T>) (MessageHandler.Whole<?>) this;
        }

        @Override
        public void onMessage(Object message) {
            LiveConnection live = connection;
            if (message instanceof String text) {
                endpoint.onText(live, text);
            } else if (message instanceof PongMessage) {
                live.ponged(endpoint.nanoClock.getAsLong());
            } else if (message instanceof ByteBuffer) {
                // Answering needs no storage: on the reading thread, unless earlier frames still wait in the lane.
                inOrder(live, () -> live.send(Frames.error(ErrorCode.VALIDATION_ERROR,
                        "Binary frames are not supported: send JSON text frames", null, Optional.empty())));
            }
        }

        @Override
        public void release() {
            try {
                lease.release();
            } finally {
                if (presence != null) {
                    presence.closed();
                }
            }
        }
    }

    /**
     * On the reading thread: a hot {@code text_message} is handled here when nothing of the connection waits in its
     * lane; anything else goes to the lane ({@link #handleText} on a worker).
     */
    private void onText(LiveConnection connection, String text) {
        FrameLane lane = connection.lane();
        // One object for both paths: a frame read here and declined is not read again in the lane.
        ClientFrame frame = new ClientFrame(text);
        if (lane.idle() && (long) text.length() * 3 <= maxTextFrameBytes
                && inbound.handleFromMemory(connection.user(), frame, connection::send)) {
            return;
        }
        inLane(connection, () -> handleText(connection, frame), text.length());
    }

    /**
     * Queues a frame's {@code task} in the connection's lane; when the frames waiting there would exceed its bound, the
     * frame is dropped and the connection closed with 1013 ({@link LiveConnection#tooManyFramesWaiting}). Each frame
     * weighs its text plus {@value #FRAME_OVERHEAD_CHARS}, so that a flood of empty frames is bounded too.
     */
    private static void inLane(LiveConnection connection, Runnable task, long chars) {
        if (connection.lane().offerFrame(task, chars + FRAME_OVERHEAD_CHARS) == FrameLane.Offer.FULL) {
            connection.tooManyFramesWaiting();
        }
    }

    /** Runs {@code task} here when the connection's lane is idle, else in the lane after what waits there. */
    private static void inOrder(LiveConnection connection, Runnable task) {
        if (connection.lane().idle()) {
            task.run();
        } else {
            inLane(connection, task, 0);
        }
    }

    /** A text frame as every frame was handled before the hot path: on a worker thread, in the connection's lane. */
    private void handleText(LiveConnection connection, ClientFrame frame) {
        String text = frame.text();
        // Second line of defence: FrameSizeGuard already closes with 1009 when the frame header arrives. A UTF-16 unit
        // is at most 3 bytes, so a frame of at most a third of the limit in units needs no counting.
        if ((long) text.length() * 3 > maxTextFrameBytes && utf8Length(text) > maxTextFrameBytes) {
            connection.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG,
                    "A frame can have at most " + maxTextFrameBytes + " bytes"));
            return;
        }
        inbound.handle(connection.user(), frame, connection::send);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        // Releasing the connection's census lease and presence may reach Redis: after its frames, on a worker.
        afterItsFrames(session, () -> forget(session));
    }

    @Override
    public void onError(Session session, Throwable failure) {
        LOG.debug("A websocket connection failed: {}", Failures.describe(failure));
        afterItsFrames(session, () -> {
            forget(session);
            if (session.isOpen()) {
                closeQuietly(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Internal error"));
            }
        });
    }

    /**
     * Runs {@code task} after the connection's frames: here when called from the lane's own running task (a client's
     * close frame, which the lane feeds to Tyrus after the frames before it: the census lease is then released before
     * Tyrus sends its close reply, so the client may connect again at once); in the lane when frames wait there or
     * when called on a selector thread (a close frame read there); else here, as before the lanes (a close by the server, the pinger, a slow
     * consumer's, or Grizzly's on a worker), and here too when the workers have stopped (the server is stopping: the
     * connection's census lease and presence must still be released).
     */
    private static void afterItsFrames(Session session, Runnable task) {
        LiveConnection live = connectionOf(session);
        if (live == null) {
            task.run();
            return;
        }
        FrameLane lane = live.lane();
        if (lane.idle() && !TyrusOnGrizzly.onSelectorThread() || lane.runningHere()) {
            task.run();
        } else if (!lane.submit(task)) {
            task.run();
        }
    }

    private void forget(Session session) {
        LiveConnection live = connectionOf(session);
        if (live != null) {
            connections.remove(live);
            live.ended();
        }
    }

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (Throwable e) {
            LOG.debug("Closing a websocket failed: {}", Failures.describe(e));
        }
    }

    /**
     * The UTF-8 size of {@code text} in bytes, without encoding it (a lone surrogate counts 3). Counted for every frame
     * sent and received, so an ASCII run, the usual case, is counted by a loop with nothing in it but the test (it was
     * a fifth of the delivery thread's time when every character went through the general case).
     */
    static long utf8Length(String text) {
        int length = text.length();
        int ascii = 0;
        while (ascii < length && text.charAt(ascii) < 0x80) {
            ascii++;
        }
        return ascii == length ? length : ascii + utf8LengthOfRest(text, ascii);
    }

    private static long utf8LengthOfRest(String text, int from) {
        long bytes = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
