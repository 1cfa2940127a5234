package org.parley.adapter.websocket.container;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.Threads;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * Tyrus's websocket endpoints served on an existing Grizzly listener, next to whatever else that listener serves
 * (Parley's REST API): requests that are not websocket upgrades for {@code contextPath} fall through to the server's
 * other handlers. The one entry to this package's workarounds, applied in this order:
 * <ol>
 *   <li>{@link WorkerThreads}: handshakes and HTTP run on Grizzly's worker threads, the reads of upgraded websockets
 *       on the selector that read them (the endpoint hands what may wait to {@link #workersOf the workers});</li>
 *   <li>{@link EmbeddedTyrusContainer}: a Tyrus container that owns its engine but no server, with no Tyrus idle
 *       timeout, whose engine is a {@link GuardedEngine} (a {@link FrameSizeGuard} in front of every connection);</li>
 *   <li>{@link UpgradedConnectionsStayOpen}: upgraded connections exempt from Grizzly's keep-alive idle timeout and
 *       past its HTTP codec (registered before Tyrus's own add-on);</li>
 *   <li>{@link ReleaseClosedConnections}: a websocket the server has sent its close frame is released a few seconds
 *       later even when its client does not read;</li>
 *   <li>Tyrus's {@link WebSocketAddOn} on the listener, with the embedded container.</li>
 * </ol>
 *
 * <p>Checked on Grizzly 4.0.2 and Tyrus 2.2.2 ({@code docs/workarounds.md}). Proved by {@code ChatWebSocketTest}
 * ({@code plainHttpRequestsFallThroughToTheOtherHandlers}, and every other test over the same listener).
 */
public final class TyrusOnGrizzly {

    /**
     * Tyrus's read buffer limit per connection (it grows as needed). Oversized frames never reach it (the
     * {@link FrameSizeGuard} closes with 1009 from the frame header), but one read may carry a whole frame and more.
     */
    static final int MIN_INCOMING_BUFFER_BYTES = 4 * 1024 * 1024;

    private final EmbeddedTyrusContainer container;

    private TyrusOnGrizzly(EmbeddedTyrusContainer container) {
        this.container = container;
    }

    /**
     * Serves {@code endpoints} under {@code contextPath} on {@code listener}, which must not be started yet.
     *
     * @param maxMessageBytes larger client messages (a frame, or the frames of one fragmented message) close their
     *                        connection with 1009 as soon as a frame header announces them, before Tyrus buffers them
     * @throws DeploymentException when Tyrus refuses an endpoint configuration
     */
    public static TyrusOnGrizzly attach(NetworkListener listener, String contextPath, int maxMessageBytes,
                                       List<ServerEndpointConfig> endpoints) throws DeploymentException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(contextPath, "contextPath");
        WorkerThreads.useOn(listener.getTransport());
        EmbeddedTyrusContainer container = new EmbeddedTyrusContainer(contextPath,
                Math.max(MIN_INCOMING_BUFFER_BYTES, maxMessageBytes * 2), maxMessageBytes);
        for (ServerEndpointConfig endpoint : endpoints) {
            container.register(endpoint);
        }
        listener.registerAddOn(new UpgradedConnectionsStayOpen(contextPath));
        listener.registerAddOn(new ReleaseClosedConnections(ReleaseClosedConnections.DEFAULT_GRACE));
        listener.registerAddOn(new WebSocketAddOn(container, contextPath));
        return new TyrusOnGrizzly(container);
    }

    /**
     * The worker threads of {@code listener}'s transport, for what a websocket's reading thread must not run (its reads
     * run on a selector thread: {@link WorkerThreads}). Usable before the server starts; {@code execute} never blocks,
     * and throws {@link java.util.concurrent.RejectedExecutionException} once the server has stopped.
     */
    public static Executor workersOf(NetworkListener listener) {
        Objects.requireNonNull(listener, "listener");
        return WorkerThreads.workersOf(listener.getTransport());
    }

    /**
     * Whether the calling thread is one of Grizzly's selector threads, which must never wait: Grizzly's
     * {@code SelectorRunner} marks its thread ({@code Threads.setService(true)}) while it runs. Checked on Grizzly
     * 4.0.2; proved by {@code ChatWebSocketTest.handshakesAndColdFramesRunOnWorkerThreadsHotFramesOnTheSelector}.
     */
    public static boolean onSelectorThread() {
        return Threads.isService();
    }

    /**
     * Call from {@code onOpen} of an endpoint whose configurator hands every connection the same instance: Tyrus's
     * per-session record of that instance (about 200 bytes per open connection) is dropped
     * ({@link SharedEndpointInstance}). Does nothing for a session that is not Tyrus's; never throws.
     */
    public static void openedWithSharedInstance(jakarta.websocket.Session session) {
        SharedEndpointInstance.forget(session);
    }

    /**
     * Call from a configurator's {@code modifyHandshake} to hand {@code value} to the {@code onOpen} of the connection
     * this handshake opens, and to no other ({@link #opening}): what belongs to one connection need not be put in the
     * session's user properties, a map Tyrus keeps for the connection's whole life (about 110 bytes once used).
     *
     * @return false outside a handshake by this package's engine: nothing is handed over (use the user properties)
     */
    public static boolean handOver(Object value) {
        return GuardedEngine.handOver(value);
    }

    /**
     * Call from {@code onOpen}: what this connection's handshake handed over ({@link #handOver}), once, or null; and
     * the session gives up its own copies of its request's path and (emptied) parameter maps for ones all sessions
     * share ({@link GuardedEngine}). Does nothing outside an upgrade by this package's engine; never throws.
     */
    public static Object opening(jakarta.websocket.Session session) {
        return GuardedEngine.opening(session);
    }

    /** Stops the container (its sessions and executors). Call after closing the connections, before the server. */
    public void stop() {
        container.stop();
    }
}
