package org.parley.adapter.websocket.container;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.AbstractIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Runs HTTP requests, websocket handshakes and connection closes on Grizzly's worker threads, and the reads of upgraded
 * websocket connections on the selector thread that read them (where Parley's endpoint decides, frame by frame, what
 * may run there and hands the rest to the workers: {@link #workersOf}).
 *
 * <p>Works around: a {@code NetworkListener} built with its constructor
 * ({@code org.glassfish.grizzly.http.server.NetworkListener(String, String, int)}) gets a transport with
 * {@code SameThreadIOStrategy}, so every read is handled on the selector thread that also serves many other
 * connections. Jersey does not suffer from it (Grizzly's {@code HttpHandler.runService} hands each request to the
 * handler's worker executor), but Tyrus's {@code GrizzlyServerFilter.handleRead} runs the handshake (the configurator,
 * where Parley checks a token, possibly against the database) and every frame (the {@code @OnMessage} handler, where
 * use cases run) on the thread that read them. Tyrus's own {@code GrizzlyServerContainer.start} sets
 * {@link WorkerThreadIOStrategy} for every event; that costs each websocket read a hand-over from the selector to a
 * worker thread (and back: the worker re-enables the read interest), though most frames need nothing that waits.
 *
 * <p>The transport gets {@link WebsocketReadsOnSelectors}: {@link IOEvent#READ} of a connection whose {@code 101} has
 * gone out ({@link UpgradedConnectionsStayOpen#UPGRADED}) as {@link SameThreadIOStrategy} runs it, every other event
 * as {@link WorkerThreadIOStrategy} does. When the transport builds its own worker pool, that pool gets at least
 * {@value #MIN_WORKER_THREADS} threads (Grizzly's default is two per core). A pool already set on the transport is kept
 * (Jersey's {@code GrizzlyHttpServerFactory} sets one only when it runs on virtual threads; otherwise it sets just the
 * thread factory of the default pool).
 *
 * <p>Checked on Grizzly 4.0.2, Tyrus 2.2.2, Jersey 3.1.12. Proved by
 * {@code ChatWebSocketTest.handshakesAndColdFramesRunOnWorkerThreadsHotFramesOnTheSelector} and
 * {@code FrameLanesTest}.
 */
final class WorkerThreads {

    static final int MIN_WORKER_THREADS = 32;

    private WorkerThreads() {
    }

    static void useOn(TCPNIOTransport transport) {
        transport.setIOStrategy(WebsocketReadsOnSelectors.INSTANCE);
        if (transport.getWorkerThreadPool() == null) {
            ThreadPoolConfig pool = transport.getWorkerThreadPoolConfig();
            if (pool != null && pool.getMaxPoolSize() < MIN_WORKER_THREADS) {
                pool.setMaxPoolSize(MIN_WORKER_THREADS);
                pool.setCorePoolSize(MIN_WORKER_THREADS);
            }
        }
    }

    /**
     * The transport's worker threads, as an executor usable before the transport starts (the pool is created when it
     * starts). Grizzly's default worker pool queues without a bound, so {@code execute} never blocks; it throws
     * {@link RejectedExecutionException} once the pool is stopped.
     */
    static Executor workersOf(TCPNIOTransport transport) {
        return task -> {
            Executor pool = transport.getWorkerThreadPool();
            if (pool == null) {
                throw new RejectedExecutionException("The transport has no worker pool");
            }
            pool.execute(task);
        };
    }

    /** Reads of upgraded connections on the selector thread, every other event on a worker. */
    static final class WebsocketReadsOnSelectors extends AbstractIOStrategy {
        static final WebsocketReadsOnSelectors INSTANCE = new WebsocketReadsOnSelectors();

        private WebsocketReadsOnSelectors() {
        }

        @Override
        public boolean executeIoEvent(Connection connection, IOEvent ioEvent, boolean isIoEventEnabled)
                throws IOException {
            if (ioEvent == IOEvent.READ && UpgradedConnectionsStayOpen.UPGRADED.get(connection) != null) {
                return SameThreadIOStrategy.getInstance().executeIoEvent(connection, ioEvent, isIoEventEnabled);
            }
            return WorkerThreadIOStrategy.getInstance().executeIoEvent(connection, ioEvent, isIoEventEnabled);
        }

        /** As the event would run: none for a websocket read (the selector itself), else as the worker strategy. */
        @Override
        public Executor getThreadPoolFor(Connection connection, IOEvent ioEvent) {
            if (ioEvent == IOEvent.READ && UpgradedConnectionsStayOpen.UPGRADED.get(connection) != null) {
                return null;
            }
            return WorkerThreadIOStrategy.getInstance().getThreadPoolFor(connection, ioEvent);
        }
    }
}
