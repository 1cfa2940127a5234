package org.parley.bootstrap.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.TransportProbe;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Closes a connection that has not sent a whole request head (request line and headers) within the header timeout
 * ({@code PARLEY_HEADER_TIMEOUT_SECONDS}, 10 s by default), counted from when the connection was accepted or, on a
 * kept-alive connection, from the first byte of its next request. Slowloris clients, which trickle header bytes to hold
 * connections open, so hold each for that long at most; nothing is answered (the request never arrived) and nothing is
 * logged.
 *
 * <p>Works around: Grizzly has no such timeout. Its keep-alive idle timeout ({@code IdleTimeoutFilter}, 30 s) is
 * restarted by every read, so one byte per second keeps a connection forever, and its HTTP codec
 * ({@code HttpCodecFilter.handleRead}) waits for the rest of a head as long as bytes keep coming (measured: 2,000 such
 * connections held for 30 s and more, bounded only by the file-descriptor limit).
 *
 * <p>Two filters: one right above the transport sees every raw read and starts the clock when a connection is
 * accepted or a new request begins; one right above the codec sees the parsed request ({@code HttpContent}, which the
 * codec hands on only once the head is complete) and stops it; the clock starts again once the request's last content
 * has been read. A connection whose request asked for an upgrade (a websocket) is never timed again: its bytes after
 * the handshake are frames, not requests. A timer thread closes connections past their deadline (at most a quarter of the timeout late) and stops with
 * the transport. Deadlines are read from a monotonic tick source ({@link System#nanoTime()} in production; tests pass
 * their own and run the closing round themselves, {@link #closeOverdue()}, so no test waits for real time).
 *
 * <p>Checked on Grizzly 4.0.2. Proved by {@code HeaderReadTimeoutTest} (on real sockets with the test's clock: a raw
 * socket trickling its head is closed just after the timeout and not before, a head completed in time is served, a
 * kept-alive connection is not timed while idle but is from its next request's first byte) and bootstrap's
 * {@code EdgeLimitsEndToEndTest.aSlowlorisConnectionIsClosedAfterTheHeaderTimeout} (the real timer and clock).
 */
final class HeaderReadTimeout implements AddOn {

    private enum State { READING_HEAD, IN_REQUEST, BETWEEN_REQUESTS, UPGRADED }

    private static final Attribute<State> STATE = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(HeaderReadTimeout.class.getName() + ".state");

    private final Duration timeout;
    private final LongSupplier nanos;
    private final List<Deadlines> deadlinesOfListeners = new CopyOnWriteArrayList<>();

    private HeaderReadTimeout(Duration timeout, LongSupplier nanos) {
        this.timeout = timeout;
        this.nanos = nanos;
    }

    /** Installs the timeout on every listener of {@code server}; zero: nothing is installed (no limit). */
    static void registerOn(HttpServer server, Duration timeout) {
        registerOn(server, timeout, System::nanoTime);
    }

    /**
     * As {@link #registerOn(HttpServer, Duration)}, with deadlines read from {@code nanos} (monotonic nanoseconds, as
     * {@link System#nanoTime()}): tests move their own clock and call {@link #closeOverdue()}.
     */
    static void registerOn(HttpServer server, Duration timeout, LongSupplier nanos) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("The header timeout cannot be negative: " + timeout);
        }
        if (timeout.isZero()) {
            return;
        }
        server.getListeners().forEach(listener -> listener.registerAddOn(new HeaderReadTimeout(timeout, nanos)));
    }

    /** Closes, now, every connection past its deadline: what the timer does every quarter of the timeout. */
    void closeOverdue() {
        deadlinesOfListeners.forEach(Deadlines::closeOverdue);
    }

    /** How many connections are reading a head now, each with its deadline running. */
    int connectionsReadingAHead() {
        return deadlinesOfListeners.stream().mapToInt(Deadlines::size).sum();
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec < 0) {
            return;
        }
        Deadlines deadlines = new Deadlines(timeout.toNanos(), nanos);
        deadlinesOfListeners.add(deadlines);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-header-timeout");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(50, timeout.toMillis() / 4);
        timer.scheduleWithFixedDelay(deadlines::closeOverdue, period, period, TimeUnit.MILLISECONDS);
        AtomicBoolean stopped = new AtomicBoolean();
        listener.getTransport().getMonitoringConfig().addProbes(new TransportProbe.Adapter() {
            @Override
            public void onStopEvent(Transport transport) {
                if (stopped.compareAndSet(false, true)) {
                    timer.shutdownNow();
                }
            }
        });
        builder.add(codec + 1, new HeadParsed(deadlines));
        // Right above the transport, not right below the codec: the websocket's bypass of the codec
        // (UpgradedConnectionsStayOpen) must stay the filter next to it.
        int transport = builder.indexOfType(TransportFilter.class);
        builder.add(transport + 1, new RawBytes(deadlines));
    }

    /** The connections reading a head, with when each must have finished (monotonic nanoseconds). */
    private static final class Deadlines {
        private final long timeoutNanos;
        private final LongSupplier nanos;
        private final Map<Connection<?>, Long> reading = new ConcurrentHashMap<>();

        Deadlines(long timeoutNanos, LongSupplier nanos) {
            this.timeoutNanos = timeoutNanos;
            this.nanos = nanos;
        }

        void start(Connection<?> connection) {
            STATE.set(connection, State.READING_HEAD);
            reading.put(connection, nanos.getAsLong() + timeoutNanos);
        }

        int size() {
            return reading.size();
        }

        void stop(Connection<?> connection, State next) {
            STATE.set(connection, next);
            reading.remove(connection);
        }

        void forget(Connection<?> connection) {
            reading.remove(connection);
        }

        /** The timer's task: never throws (a periodic task that throws is cancelled). */
        void closeOverdue() {
            try {
                long now = nanos.getAsLong();
                reading.forEach((connection, deadline) -> {
                    if (now - deadline > 0 && reading.remove(connection, deadline)) {
                        try {
                            connection.terminateSilently();
                        } catch (RuntimeException alreadyClosing) {
                            // Nothing to do.
                        }
                    }
                });
            } catch (Throwable unexpected) {
                // The next round tries again.
            }
        }
    }

    /** Right above the transport: starts the clock at accept and at the first byte of each request. */
    private static final class RawBytes extends BaseFilter {
        private final Deadlines deadlines;

        RawBytes(Deadlines deadlines) {
            this.deadlines = deadlines;
        }

        @Override
        public NextAction handleAccept(FilterChainContext ctx) throws IOException {
            deadlines.start(ctx.getConnection());
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            State state = STATE.get(connection);
            if (state == null || state == State.BETWEEN_REQUESTS) {
                deadlines.start(connection);
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleClose(FilterChainContext ctx) throws IOException {
            deadlines.forget(ctx.getConnection());
            return ctx.getInvokeAction();
        }
    }

    /**
     * Right above the codec: the head is complete when the codec hands the request on; the request ends with its last
     * content.
     */
    private static final class HeadParsed extends BaseFilter {
        private final Deadlines deadlines;

        HeadParsed(Deadlines deadlines) {
            this.deadlines = deadlines;
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content) {
                Connection<?> connection = ctx.getConnection();
                State state = STATE.get(connection);
                if (state == State.UPGRADED) {
                    return ctx.getInvokeAction();
                }
                if (content.getHttpHeader().isUpgrade()) {
                    // A websocket (or a refused upgrade, which the keep-alive idle timeout ends): never timed again.
                    deadlines.stop(connection, State.UPGRADED);
                } else if (content.isLast()) {
                    deadlines.stop(connection, State.BETWEEN_REQUESTS);
                } else if (state != State.IN_REQUEST) {
                    deadlines.stop(connection, State.IN_REQUEST);
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
