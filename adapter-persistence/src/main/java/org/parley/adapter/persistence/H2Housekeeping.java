package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the sparsely filled chunks of an embedded H2 database file, the housekeeping that H2 stops doing when it
 * writes every commit through.
 *
 * <p><b>Why.</b> H2 stores its data (an MVStore) as a log of chunks: every store appends a chunk holding the pages that
 * changed, and a chunk's space is freed only once none of its pages is live any more and it is older than the
 * retention time (45 s). H2's background writer thread rewrites the live pages of nearly empty chunks, so that old
 * chunks die ({@code RandomAccessStore.doHousekeeping}, called from {@code FileStore.writeInBackground}). With
 * {@code WRITE_DELAY=0}, which Parley needs so that an acknowledged message survives the process being killed
 * ({@link DatabaseSettings}), {@code FileStore.setAutoCommitDelay(0)} stops that thread: every commit is stored at
 * once, and nothing rewrites anything. Each batch of messages then leaves a few live pages behind in its own chunk, so
 * almost no chunk ever dies, and the file grew by about 24 MB/s at 2,000 messages/s (2.9 GB after two minutes; measured
 * on H2 2.5.252, docs/PERFORMANCE.md).
 *
 * <p><b>What.</b> Every {@code interval}, while the database is open, it asks the store to rewrite the live pages of its
 * least filled chunks when the live fraction of the chunks is below {@value #TARGET_FILL_RATE} %
 * ({@link MVStore#compact(int, int)}, H2's public store API: it takes the store lock only if it is free, so a commit
 * never waits behind it for long), at most {@code autoCommitMemory / 4} bytes at a time, as H2's own housekeeping does
 * under load. The rewritten chunks then die and their space is reused. A failure is logged once per kind and the next
 * round tries again; it never stops the database.
 *
 * <p>It works on an <em>embedded</em> H2 database only (a {@code jdbc:h2:file:} URL, Parley's default): that is where
 * the store lives in this process. A {@code jdbc:h2:tcp:} server runs its own store and is configured there;
 * PostgreSQL needs none of this.
 */
final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    /** Below this percentage of live data in the chunks, rewrite (H2's own housekeeping under load: 90 % squared). */
    static final int TARGET_FILL_RATE = 81;
    /** How often it runs by default. */
    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);

    private final MVStore store;
    private final ScheduledExecutorService timer;
    private volatile Class<?> lastFailure;

    private H2Housekeeping(MVStore store, Duration interval) {
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-h2-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::rewriteSparseChunks, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the housekeeping of the embedded H2 database behind {@code pool}, or returns empty when {@code settings}
     * name another kind of database (PostgreSQL, an H2 server, an in-memory H2 database).
     *
     * @throws SQLException when no connection can be had from the pool
     */
    static Optional<H2Housekeeping> startIfEmbedded(DataSource pool, DatabaseSettings settings, Duration interval)
            throws SQLException {
        Objects.requireNonNull(interval, "interval");
        if (!settings.jdbcUrl().toLowerCase(java.util.Locale.ROOT).startsWith("jdbc:h2:file:")) {
            return Optional.empty();
        }
        try (Connection connection = pool.getConnection()) {
            Session session = connection.unwrap(JdbcConnection.class).getSession();
            if (!(session instanceof SessionLocal local)) {
                return Optional.empty();
            }
            MVStore store = local.getDatabase().getStore().getMvStore();
            if (store.getFileStore() == null) {
                return Optional.empty();
            }
            return Optional.of(new H2Housekeeping(store, interval));
        }
    }

    /** One round; public to the package so tests can run it without waiting. */
    void rewriteSparseChunks() {
        try {
            if (store.isClosed()) {
                return;
            }
            store.compact(TARGET_FILL_RATE, Math.max(1, store.getAutoCommitMemory() / 4));
            lastFailure = null;
        } catch (RuntimeException failure) {
            if (store.isClosed()) {
                return;
            }
            if (failure.getClass() != lastFailure) {
                lastFailure = failure.getClass();
                LOG.warn("H2 housekeeping failed (it tries again in a moment): {}", failure.toString());
            }
        }
    }

    /** Stops the rounds, waiting up to 5 s for one in progress. Calling it again does nothing. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
