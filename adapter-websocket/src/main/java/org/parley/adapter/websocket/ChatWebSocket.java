package org.parley.adapter.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.parley.adapter.websocket.container.TyrusOnGrizzly;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.ConnectionCensus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat websocket ({@code /ws/chat/room/}, also without the final slash) on Parley's one Grizzly server, next to
 * the REST API: requests that are not websocket upgrades fall through to the server's other handlers.
 *
 * <p>{@link #attachTo} must be called before the server starts. It also configures the listener, through
 * {@link TyrusOnGrizzly} (the {@code container} package, where every workaround of Grizzly and Tyrus behaviour lives):
 * <ul>
 *   <li>handshakes (token checks may hit the database) run on worker threads; a connection's reads run on the
 *       selector thread that read them, which handles a hot {@code text_message} (everything it needs is in memory) at
 *       once and hands every other frame to worker threads, in the connection's order ({@link ChatEndpoint},
 *       {@link FrameLane}): nothing that may wait for storage, Redis or a full queue runs on a selector thread;</li>
 *   <li>upgraded connections are exempt from Grizzly's keep-alive idle timeout (plain HTTP keeps it), and sessions
 *       have no Tyrus idle timeout; instead every connection is pinged each {@link WebSocketSettings#pingInterval()}
 *       and closed with 4000 {@code ping timeout} when it has not answered for two intervals (contract §16);</li>
 *   <li>a handshake from an origin not allowed is refused with 403, one of a user who has the most connections
 *       allowed on every node ({@link ConnectionCensus}) with 429; a connection whose unsent frames exceed
 *       {@link WebSocketSettings#maxPendingBytes()} is closed with 4008 {@code slow consumer}, and the socket of any
 *       connection the server closed is released a few seconds later even if its client does not read;</li>
 *   <li>a message above {@link WebSocketSettings#maxTextFrameBytes()} closes its connection with 1009 from its frame
 *       header.</li>
 * </ul>
 *
 * <p>At shutdown call {@link #drain} (answers every frame received, refuses new ones with {@code unavailable}, lets
 * queued frames leave), then {@link #close()} (closes every connection with 1001, stops the pinger) before stopping
 * the server. Tyrus and Grizzly log through {@code java.util.logging}; the request URI (which carries the token) appears
 * only in their FINE/FINEST messages, so do not enable those levels in production.
 */
public final class ChatWebSocket implements AutoCloseable {

    static final String CONTEXT_PATH = "/ws";

    private static final CloseReason SHUTTING_DOWN =
            new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
    /** Contract §16: 4000, not 1001 (which says the server is going away). */
    static final CloseReason PING_TIMEOUT =
            new CloseReason(CloseReason.CloseCodes.getCloseCode(4000), "ping timeout");
    private static final byte[] PING = "parley".getBytes(StandardCharsets.US_ASCII);

    private static final Logger LOG = LoggerFactory.getLogger(ChatWebSocket.class);

    /** While draining: how long no frame must have arrived before the frames still on their way count as none. */
    static final Duration QUIET_BEFORE_CLOSING = Duration.ofMillis(250);
    private static final long DRAIN_POLL_MILLIS = 10;

    private final ConnectionRegistry connections;
    private final InboundFrames inbound;
    private final HandshakeAuthenticator handshakes;
    private final TyrusOnGrizzly container;
    private final ScheduledExecutorService pinger;
    private final long pingIntervalNanos;
    private final LongSupplier nanoClock;

    private ChatWebSocket(ConnectionRegistry connections, InboundFrames inbound, HandshakeAuthenticator handshakes,
                          TyrusOnGrizzly container, WebSocketSettings settings, LongSupplier nanoClock,
                          boolean pingOnASchedule) {
        this.connections = connections;
        this.inbound = inbound;
        this.handshakes = handshakes;
        this.container = container;
        this.pingIntervalNanos = settings.pingInterval().toNanos();
        this.nanoClock = nanoClock;
        this.pinger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-websocket-ping");
            thread.setDaemon(true);
            return thread;
        });
        if (pingOnASchedule) {
            long intervalMillis = Math.max(1, settings.pingInterval().toMillis());
            pinger.scheduleWithFixedDelay(this::pingAll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Serves the chat websocket on {@code server}'s listener named {@code "grizzly"}, registering every connection
     * it opens in {@code connections} (where the {@link WebSocketDelivery} of this node finds it).
     *
     * @throws IllegalStateException when the server is already started or has no such listener
     */
    public static ChatWebSocket attachTo(HttpServer server, ConnectionRegistry connections,
                                         AuthenticateToken authenticate, WebSocketUseCases useCases,
                                         WebSocketSettings settings) {
        return attachTo(server, connections, authenticate, useCases, settings, ConnectionCensus.unlimited());
    }

    /**
     * Serves the chat websocket as {@link #attachTo(HttpServer, ConnectionRegistry, AuthenticateToken,
     * WebSocketUseCases, WebSocketSettings)} does, counting every connection in {@code census}: a handshake of a user
     * at its limit is refused with 429.
     */
    public static ChatWebSocket attachTo(HttpServer server, ConnectionRegistry connections,
                                         AuthenticateToken authenticate, WebSocketUseCases useCases,
                                         WebSocketSettings settings, ConnectionCensus census) {
        return attachTo(server, connections, authenticate, useCases, settings, census, ChatMetrics.none());
    }

    /**
     * As {@link #attachTo(HttpServer, ConnectionRegistry, AuthenticateToken, WebSocketUseCases, WebSocketSettings,
     * ConnectionCensus)}, telling {@code metrics} how every handshake ended, every frame received (by action), every
     * reply and every slow-consumer close (contract §17).
     */
    public static ChatWebSocket attachTo(HttpServer server, ConnectionRegistry connections,
                                         AuthenticateToken authenticate, WebSocketUseCases useCases,
                                         WebSocketSettings settings, ConnectionCensus census, ChatMetrics metrics) {
        return attachTo(server, connections, authenticate, useCases, settings, census, System::nanoTime, true,
                metrics);
    }

    /**
     * @param nanoClock       monotonic nanoseconds: when connections open and pongs arrive, and "now" for each ping
     *                        round
     * @param pingOnASchedule false: no ping round runs unless {@link #pingRound()} is called (tests drive the clock)
     */
    static ChatWebSocket attachTo(HttpServer server, ConnectionRegistry connections,
                                  AuthenticateToken authenticate, WebSocketUseCases useCases,
                                  WebSocketSettings settings, ConnectionCensus census, LongSupplier nanoClock,
                                  boolean pingOnASchedule) {
        return attachTo(server, connections, authenticate, useCases, settings, census, nanoClock, pingOnASchedule,
                ChatMetrics.none());
    }

    private static ChatWebSocket attachTo(HttpServer server, ConnectionRegistry connections,
                                          AuthenticateToken authenticate, WebSocketUseCases useCases,
                                          WebSocketSettings settings, ConnectionCensus census, LongSupplier nanoClock,
                                          boolean pingOnASchedule, ChatMetrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(census, "census");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(authenticate, "authenticate");
        Objects.requireNonNull(useCases, "useCases");
        Objects.requireNonNull(settings, "settings");
        if (server.isStarted()) {
            throw new IllegalStateException("Attach the websocket before the server starts");
        }
        NetworkListener listener = server.getListener("grizzly");
        if (listener == null) {
            throw new IllegalStateException("The server has no listener named \"grizzly\"");
        }

        InboundFrames inbound = new InboundFrames(useCases, nanoClock, metrics);
        ChatEndpoint endpoint = new ChatEndpoint(connections, inbound, useCases.trackPresence(), settings,
                nanoClock, metrics, TyrusOnGrizzly.workersOf(listener));
        HandshakeAuthenticator authenticator = new HandshakeAuthenticator(authenticate, census, settings, endpoint,
                metrics);
        TyrusOnGrizzly container;
        try {
            container = TyrusOnGrizzly.attach(listener, CONTEXT_PATH, settings.maxTextFrameBytes(),
                    List.of(endpointConfig("/chat/room/", authenticator), endpointConfig("/chat/room", authenticator)));
        } catch (DeploymentException e) {
            throw new IllegalStateException("The chat endpoint could not be deployed", e);
        }
        return new ChatWebSocket(connections, inbound, authenticator, container, settings, nanoClock,
                pingOnASchedule);
    }

    /**
     * The first step of a graceful stop (SIGTERM), before {@link #closeAll()}: from now on new handshakes are refused
     * with 503 and {@code Retry-After}, and every frame that arrives is answered with an error frame
     * {@code unavailable} ({@code retry_after_ms}) and not acted on. Then this waits, for at most {@code drainTime},
     * until
     * <ol>
     *   <li>every frame received before has been answered: an error frame sent, or its message's storing completed (so
     *       its {@code conf_message} and {@code re_message} frames are queued, or its error frame sent), and no frame
     *       has arrived for {@link #QUIET_BEFORE_CLOSING} (frames a client sent before it saw the first
     *       {@code unavailable} are still answered);</li>
     *   <li>every frame queued for a connection has been written to its socket (a connection that does not read is not
     *       waited for beyond the drain time).</li>
     * </ol>
     * Returns whether all of it happened within the drain time. Connections stay open: close them next.
     */
    public boolean drain(Duration drainTime) {
        Objects.requireNonNull(drainTime, "drainTime");
        handshakes.refuseNewConnections();
        inbound.refuseNewFrames();
        long deadline = nanoClock.getAsLong() + drainTime.toNanos();
        long quietNanos = Math.min(QUIET_BEFORE_CLOSING.toNanos(), drainTime.toNanos());
        while (inbound.unanswered() > 0 || inbound.nanosSinceLastFrame() < quietNanos) {
            if (!pause(deadline)) {
                LOG.warn("Stopping: {} frames were still unanswered after the drain time ({} s)",
                        inbound.unanswered(), drainTime.toSeconds());
                return false;
            }
        }
        while (connections.all().stream().anyMatch(connection -> connection.pendingBytes() > 0
                && !connection.stoppedWriting())) {
            if (!pause(deadline)) {
                LOG.warn("Stopping: frames were still waiting to be written to {} connections after the drain time "
                        + "({} s)", connections.all().stream().filter(c -> c.pendingBytes() > 0).count(),
                        drainTime.toSeconds());
                return false;
            }
        }
        return true;
    }

    /** Sleeps a moment unless the deadline has passed; false when it has. */
    private boolean pause(long deadlineNanos) {
        if (nanoClock.getAsLong() - deadlineNanos >= 0) {
            return false;
        }
        try {
            Thread.sleep(DRAIN_POLL_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes every open connection with close code 1001 ("server shutting down"). */
    public void closeAll() {
        for (LiveConnection connection : connections.all()) {
            connection.close(SHUTTING_DOWN);
        }
    }

    /** Stops pinging and closes every open connection (1001). Call before stopping the server. */
    @Override
    public void close() {
        pinger.shutdownNow();
        closeAll();
        container.stop();
    }

    /**
     * One round of the pinger, a periodic task that a throw would cancel for every connection: catches anything, and
     * logs it without a call that could throw again.
     */
    private void pingAll() {
        try {
            pingRound();
        } catch (Throwable e) {
            LOG.warn("A ping round failed: {}", Failures.describe(e));
        }
    }

    /** One round of pings at the clock's now (the pinger's task; tests call it with their clock). */
    void pingRound() {
        pingOrDrop(connections.all(), nanoClock.getAsLong(), pingIntervalNanos);
    }

    /**
     * Pings each connection, or closes it with 4000 {@code ping timeout} when its last pong (or its opening) is more
     * than two intervals old. A connection whose ping throws is closed by {@link LiveConnection#ping} alone; the round
     * goes on.
     */
    static void pingOrDrop(List<LiveConnection> connections, long nowNanos, long intervalNanos) {
        for (LiveConnection connection : connections) {
            if (nowNanos - connection.lastPongNanos() > 2 * intervalNanos) {
                connection.close(PING_TIMEOUT);
            } else {
                connection.ping(ByteBuffer.wrap(PING));
            }
        }
    }

    private static ServerEndpointConfig endpointConfig(String path, HandshakeAuthenticator authenticator) {
        return ServerEndpointConfig.Builder.create(ChatEndpoint.class, path).configurator(authenticator).build();
    }
}
