package org.parley.adapter.websocket.container;

import java.lang.reflect.Field;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.tyrus.core.RequestContext;
import org.glassfish.tyrus.core.TyrusSession;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;

/**
 * Tyrus's engine, with a {@link FrameSizeGuard} in front of every connection it upgrades: the
 * {@link Connection#getReadHandler() read handler} that Tyrus's {@code GrizzlyServerFilter.handleRead} feeds with the
 * raw bytes of a connection is the guard, which hands them on to Tyrus's own.
 *
 * <p>What the guard works around and the tests that prove it: {@link FrameSizeGuard}. Every connection also writes
 * through a {@link FrameWriter} (for text frames the application framed itself). It also answers a handshake
 * without {@code Sec-WebSocket-Key} with 400 instead of Tyrus's 500 ({@link #upgrade}), keeps the query out of the
 * sessions ({@link #withoutQueryOnceUpgraded}), lets the sessions share what is the same in all
 * ({@link #shareRequestParts}), and carries what a configurator hands over to its own connection's {@code onOpen}
 * ({@link #handOver}). Checked on Tyrus 2.2.2. The query: proved by
 * {@code UpgradedConnectionMemoryTest.theSessionKeepsNeitherTheQueryNorItsToken}; the shared parts and the hand-over
 * by {@code HandOverTest} and {@code IdleConnectionHeapTest}.
 */
final class GuardedEngine implements WebSocketEngine {

    private final WebSocketEngine tyrus;
    private final long maxMessageBytes;

    GuardedEngine(WebSocketEngine tyrus, long maxMessageBytes) {
        this.tyrus = tyrus;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
        String key = request.getHeader("Sec-WebSocket-Key");
        if (key == null || key.isBlank()) {
            return refusedAsMalformed(response);
        }
        LeanRequest lean = withoutQueryOnceUpgraded(request);
        // What the configurator hands this connection's onOpen (handOver): held by this upgrade, not by the session.
        HANDING.open(null);
        UpgradeInfo upgrade;
        Object handed;
        try {
            upgrade = tyrus.upgrade(lean == null ? request : lean.request(), response);
        } finally {
            handed = HANDING.close();
        }
        if (upgrade.getStatus() != UpgradeStatus.SUCCESS) {
            return upgrade;
        }
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return upgrade.getStatus();
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                if (lean != null) {
                    // The handshake is over (the configurator has read the parameters); the session, created next
                    // from this request, keeps none of them.
                    lean.parameters().clear();
                }
                // Where the endpoint's onOpen, run inside createConnection, leaves the connection's frames in order: a
                // slot of this thread's, read once the connection exists (no object per connection).
                OPENING.open(null);
                HANDING.open(handed);
                Connection connection;
                FramesInOrder order;
                try {
                    connection = FrameWriter.createConnection(upgrade, writer, closeListener);
                } finally {
                    order = OPENING.close();
                    HANDING.close();
                }
                return connection == null ? null : new GuardedConnection(connection, maxMessageBytes, order);
            }
        };
    }

    /**
     * Where the endpoint's {@code onOpen} (run on this thread inside the connection's creation) leaves its connection's
     * frames in order; open while a connection upgraded by this engine is being created on this thread.
     */
    private static final ThreadSlot<FramesInOrder> OPENING = new ThreadSlot<>();

    /**
     * Called by the endpoint's {@code onOpen}: a close frame this connection reads while some of its frames wait in
     * {@code order} is handled after them. Does nothing outside an upgrade by this engine.
     */
    static void closeAfterFramesOf(FramesInOrder order) {
        OPENING.put(order);
    }

    /**
     * What the configurator of the handshake under way hands over, then what the {@code onOpen} of the connection it
     * opened takes: open during the handshake and again during the connection's creation, and the upgrade keeps the
     * value in between, so no other connection's {@code onOpen} can take it, whichever thread opens it.
     */
    private static final ThreadSlot<Object> HANDING = new ThreadSlot<>();

    /**
     * Called by a configurator's {@code modifyHandshake}: {@code value} goes to the {@code onOpen} of the connection
     * this handshake opens ({@link #opening}), and to no other; a later call replaces it.
     *
     * @return false outside a handshake by this engine (nothing is handed over)
     */
    static boolean handOver(Object value) {
        return HANDING.put(value);
    }

    /**
     * Called by the endpoint's {@code onOpen} with its session: what its handshake's configurator handed over
     * ({@link #handOver}), once; null outside an upgrade by this engine, when nothing was handed over, or when it was
     * taken already. Inside an upgrade by this engine, the session also gives up its own copies of what the request
     * left it ({@link #shareRequestParts}).
     */
    static Object opening(Session session) {
        if (!OPENING.isOpen()) {
            return null;
        }
        shareRequestParts(session);
        return HANDING.take();
    }

    /**
     * A value that code running on one thread leaves for its caller on the same thread, while the caller holds the
     * slot open: one array per thread, reused, so nothing is allocated per connection. Not shared between threads.
     */
    private static final class ThreadSlot<T> {
        private final ThreadLocal<Object[]> value = ThreadLocal.withInitial(() -> new Object[1]);
        private final ThreadLocal<Boolean> open = new ThreadLocal<>();

        /** Opens this thread's slot, holding {@code initial} (may be null). */
        void open(T initial) {
            value.get()[0] = initial;
            open.set(Boolean.TRUE);
        }

        boolean isOpen() {
            return open.get() != null;
        }

        /** Replaces what this thread's slot holds; false (and nothing kept) when it is not open. */
        boolean put(T item) {
            if (!isOpen()) {
                return false;
            }
            value.get()[0] = item;
            return true;
        }

        /** What this thread's open slot holds, which it then no longer holds; null when it is not open. */
        T take() {
            return isOpen() ? clear() : null;
        }

        /** Closes this thread's slot: what it held (null if nothing), which it no longer holds. */
        T close() {
            T held = clear();
            open.remove();
            return held;
        }

        @SuppressWarnings("unchecked")
        private T clear() {
            Object[] slot = value.get();
            T held = (T) slot[0];
            slot[0] = null;
            return held;
        }
    }

    private static final Field SESSION_URI = sessionField("requestURI");
    private static final Field SESSION_PATH_PARAMETERS = sessionField("pathParameters");
    private static final Field SESSION_PARAMETERS = sessionField("requestParameterMap");
    /** The request URI the sessions share (one per endpoint path: this server has one). */
    private static volatile URI sharedRequestUri;

    /** A private field of Tyrus's session, made writable; null when this Tyrus has no such field. */
    private static Field sessionField(String name) {
        try {
            Field field = TyrusSession.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException notThisTyrus) {
            return null;
        }
    }

    /** Whether this Tyrus's session fields can be reached (Tyrus 2.2.2's can). */
    static boolean sharesRequestParts() {
        return SESSION_URI != null && SESSION_PATH_PARAMETERS != null && SESSION_PARAMETERS != null;
    }

    /**
     * Gives {@code session} the request URI of every other session of its path and the JDK's empty map for its
     * parameter and path-parameter maps, which it had emptied ({@link #withoutQueryOnceUpgraded}); never throws, and
     * leaves a session whose parts are not so (a query, a parameter) as it is.
     *
     * <p>Works around: {@code TyrusEndpointWrapper.onConnect} gives each {@code TyrusSession} a {@link URI} parsed
     * anew from the request's ({@code getURI}: the URI and its strings) and read-only copies of two maps, empty here
     * ({@code Collections.unmodifiableMap(new HashMap<>(…))}), for the connection's life: about 0.3 KB per idle
     * connection for what is the same in all. The session's fields are final and private: they are written through
     * {@link Field#set} from {@link Field#setAccessible}, which works while Tyrus and Parley share the class path's
     * unnamed module; when they cannot be found (another Tyrus version), nothing is shared. A URI is immutable, and the
     * session's getters answer as before (equal URI, empty read-only maps).
     */
    static void shareRequestParts(Session session) {
        if (!sharesRequestParts() || !(session instanceof TyrusSession)) {
            return;
        }
        try {
            if (session.getRequestParameterMap().isEmpty()) {
                SESSION_PARAMETERS.set(session, Map.of());
            }
            if (session.getPathParameters().isEmpty()) {
                SESSION_PATH_PARAMETERS.set(session, Map.of());
            }
            URI uri = session.getRequestURI();
            if (uri != null && uri.getRawQuery() == null) {
                URI shared = sharedRequestUri;
                if (uri.equals(shared)) {
                    SESSION_URI.set(session, shared);
                } else {
                    sharedRequestUri = uri;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // The session keeps its own copies, as without this.
        }
    }

    /**
     * The request to hand Tyrus, without its query string, and its parameters, which the caller empties once the
     * handshake is over; null when {@code request} is not Tyrus's own {@link RequestContext} (then it is handed on as
     * it is).
     *
     * <p>Works around: Tyrus's session ({@code TyrusEndpointWrapper.onConnect}, {@code TyrusSession}) keeps the
     * upgrade request's URI rebuilt with its query ({@code getURI}: a new {@link java.net.URI} and its strings), the
     * query string, a copy of the parameter map and another copy of it as path parameters, for the connection's
     * whole life. A token sent as {@code ?token=} (some hundreds of bytes) was so held four times over, about 1.5 KiB
     * per idle connection. The configurator ({@code modifyHandshake}) still sees every parameter
     * ({@link jakarta.websocket.server.HandshakeRequest#getParameterMap()}); afterwards the session's
     * {@code getRequestURI()} is the path alone, {@code getQueryString()} is null and its parameter maps are empty.
     * Tyrus also puts the values of a templated endpoint path into the same map, so this container serves no
     * templated paths ({@link EmbeddedTyrusContainer#register}).
     *
     * <p>{@code RequestContext.Builder.create} copies every other part of the request (headers, addresses,
     * properties) and shares the parameter map of the request it copies; Tyrus makes the request's maps read-only
     * during the handshake ({@code RequestContext.lock}, a view of the same map). So the parameters live in a map of
     * a first copy, which is never locked, and the request handed to Tyrus is a copy of that copy, whose view of them
     * the caller empties through the map returned here. Neither request is kept after the handshake.
     */
    static LeanRequest withoutQueryOnceUpgraded(UpgradeRequest request) {
        if (!(request instanceof RequestContext original)) {
            return null;
        }
        Map<String, String[]> parameters = new HashMap<>();
        Map<String, List<String>> given = original.getParameterMap();
        if (given != null) {
            given.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
        }
        String serverAddress = original.getServerAddr();
        String remoteAddress = original.getRemoteAddr();
        // The session keeps the server's address and the client's as strings of its own: the server has a handful,
        // and many connections come from one address (a NAT, a proxy, a load balancer). One string per address.
        RequestContext holder = RequestContext.Builder.create(original).queryString(null).parameterMap(parameters)
                .serverAddr(serverAddress == null ? null : serverAddress.intern())
                .remoteAddr(remoteAddress == null ? null : remoteAddress.intern())
                .build();
        return new LeanRequest(RequestContext.Builder.create(holder).build(), holder.getParameterMap());
    }

    /** A request for Tyrus and its parameter map, which stays writable when Tyrus locks the request. */
    record LeanRequest(RequestContext request, Map<String, List<String>> parameters) {
    }

    /**
     * A handshake without {@code Sec-WebSocket-Key} (RFC 6455 §4.2.1 requires it) is not a websocket handshake: 400
     * with an empty body and {@code Connection: close}, as every malformed request is answered (docs/api.md). Tyrus
     * 2.2.2 answers it 500, an empty body (observed against the running server: {@code HandshakeRefusalTest}).
     * Tyrus's {@code GrizzlyServerFilter.handleHandshake} writes the response as it stands after a failed upgrade.
     */
    private static UpgradeInfo refusedAsMalformed(UpgradeResponse response) {
        response.setStatus(400);
        response.setReasonPhrase("Bad Request");
        response.getHeaders().put("Content-Length", List.of("0"));
        response.getHeaders().put("Connection", List.of("close"));
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return UpgradeStatus.HANDSHAKE_FAILED;
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                return null;
            }
        };
    }

    @Override
    public void register(Class<?> endpointClass, String contextPath) throws DeploymentException {
        tyrus.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverConfig, String contextPath) throws DeploymentException {
        tyrus.register(serverConfig, contextPath);
    }

    /**
     * Tyrus's connection, read through its {@link FrameSizeGuard} (which it is: one object per connection where there
     * were three); after a read that ends on a frame boundary, Tyrus's emptied read buffer is let go
     * ({@link TyrusReadBuffer}) when the read held control frames alone or the buffer is above
     * {@link #KEPT_BETWEEN_MESSAGES_BYTES} bytes.
     *
     * <p>Feeds Tyrus the client's close frame (and whatever of it a read holds) after the frames its endpoint handed on
     * ({@link FramesInOrder}): Tyrus answers a close frame on the thread that reads it, replying and ending the session
     * at once, so a close read on a selector thread while an earlier frame waited for storage in the lane was answered
     * before that frame (its answer then never reached the client).
     */
    static final class GuardedConnection extends FrameSizeGuard implements Connection {
        /** The largest read buffer kept after a read of messages: Tyrus's buffers grow by 256 bytes. */
        static final int KEPT_BETWEEN_MESSAGES_BYTES = 1024;

        /** Set by the endpoint's {@code onOpen}; null for a connection whose endpoint hands nothing on. */
        private final FramesInOrder order;

        GuardedConnection(Connection tyrus, long maxMessageBytes) {
            this(tyrus, maxMessageBytes, null);
        }

        GuardedConnection(Connection tyrus, long maxMessageBytes, FramesInOrder order) {
            super(tyrus.getReadHandler(), tyrus, maxMessageBytes);
            this.order = order;
        }

        @Override
        public ReadHandler getReadHandler() {
            return this;
        }

        /** Tyrus's own read handler, behind the guard (tests). */
        ReadHandler tyrusReadHandler() {
            return tyrus;
        }

        @Override
        public void handle(ByteBuffer data) {
            super.handle(data);
            if (atFrameBoundary()) {
                // A connection reading messages keeps a small buffer (a new one would cost each read ~350 B); one
                // that read control frames alone, an idle one answering a ping, lets it go.
                TyrusReadBuffer.releaseIfEmpty(tyrus, lastReadHadDataHeader() ? KEPT_BETWEEN_MESSAGES_BYTES : 0);
            }
        }

        @Override
        void closeFrameRead() {
            if (connection.getWriter() instanceof FrameWriter frames) {
                frames.clientCloseFrameRead();
            }
        }

        @Override
        void closeFrame(ByteBuffer data) {
            FramesInOrder frames = order;
            if (frames != null && frames.waiting()) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                copy.put(data).flip();
                ReadHandler tyrusReads = tyrus;
                if (frames.after(() -> tyrusReads.handle(copy))) {
                    return;
                }
                data = copy;
            }
            tyrus.handle(data);
        }

        @Override
        public Writer getWriter() {
            return connection.getWriter();
        }

        @Override
        public CloseListener getCloseListener() {
            return connection.getCloseListener();
        }

        /**
         * Tyrus's container calls this once the TCP connection has closed (the SPI: "the underlying transport is
         * closing the connection"; {@code GrizzlyServerFilter}'s close listener and {@code handleClose}): the
         * connection's writer learns it first, so that no close lingers on a dead socket ({@link FrameWriter#close}).
         */
        @Override
        public void close(CloseReason reason) {
            if (connection.getWriter() instanceof FrameWriter frames) {
                frames.transportClosed();
            }
            connection.close(reason);
        }
    }
}
