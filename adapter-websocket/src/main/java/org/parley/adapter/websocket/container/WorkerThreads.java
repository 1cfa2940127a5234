package org.parley.adapter.websocket.container;

import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Runs websocket handshakes and frames on Grizzly's worker threads instead of its selector threads.
 *
 * <p>Works around: a {@code NetworkListener} built with its constructor
 * ({@code org.glassfish.grizzly.http.server.NetworkListener(String, String, int)}) gets a transport with
 * {@code SameThreadIOStrategy}, so every read is handled on the selector thread that also serves many other
 * connections. Jersey does not suffer from it (Grizzly's {@code HttpHandler.runService} hands each request to the
 * handler's worker executor), but Tyrus's {@code GrizzlyServerFilter.handleRead} runs the handshake (the configurator,
 * where Parley checks a token, possibly against the database) and every frame (the {@code @OnMessage} handler, where
 * use cases run) on the thread that read them. Tyrus's own {@code GrizzlyServerContainer.start} sets
 * {@link WorkerThreadIOStrategy} for the same reason; an embedded container has to do it itself.
 *
 * <p>The transport gets {@link WorkerThreadIOStrategy}; when it builds its own worker pool, that pool gets at least
 * {@value #MIN_WORKER_THREADS} threads (Grizzly's default is two per core). A pool already set on the transport is kept
 * (Jersey's {@code GrizzlyHttpServerFactory} sets one only when it runs on virtual threads; otherwise it sets just the
 * thread factory of the default pool).
 *
 * <p>Checked on Grizzly 4.0.2, Tyrus 2.2.2, Jersey 3.1.12. Proved by
 * {@code ChatWebSocketTest.handshakesAndFramesRunOnWorkerThreadsNotOnSelectors}.
 */
final class WorkerThreads {

    static final int MIN_WORKER_THREADS = 32;

    private WorkerThreads() {
    }

    static void useOn(TCPNIOTransport transport) {
        transport.setIOStrategy(WorkerThreadIOStrategy.getInstance());
        if (transport.getWorkerThreadPool() == null) {
            ThreadPoolConfig pool = transport.getWorkerThreadPoolConfig();
            if (pool != null && pool.getMaxPoolSize() < MIN_WORKER_THREADS) {
                pool.setMaxPoolSize(MIN_WORKER_THREADS);
                pool.setCorePoolSize(MIN_WORKER_THREADS);
            }
        }
    }
}
