package org.parley.adapter.persistence;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.parley.application.error.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database can be reached, as every unit of work finds out, and what a database outage looks like from
 * outside: every unit of work that cannot reach it fails with {@link Unavailable#storeUnreachable} (the storage ports'
 * answer, so no Hibernate, HikariCP or JDBC type leaves the adapter), within the request timeout
 * ({@code PARLEY_DB_TIMEOUT_SECONDS}: how long HikariCP waits for a connection and, on PostgreSQL, for the server to
 * answer on one).
 *
 * <p><b>Failing fast.</b> Once a unit of work has found the database unreachable, the others are refused at once,
 * without touching the pool, except one <i>probe</i> at a time every {@link #PROBE_INTERVAL}: the first unit of work
 * allowed through after that interval tries the database for real. When it (or any unit of work) succeeds, the
 * database is up again and everything goes through. So during an outage a request waits for the database at most once
 * per interval, and for at most the request timeout; the others are answered in microseconds.
 *
 * <p><b>Logging once.</b> The outage is logged as two lines: one warning when the first failure is seen (with its
 * reason, on one line, without secrets), one when the database answers again, with how long it was away and how many
 * requests were refused in between ({@link #refusalsSoFar()}). No line is written per refused request.
 *
 * <p>What counts as unreachable: HikariCP's time-out waiting for a connection ({@link SQLTransientConnectionException}),
 * any {@link SQLException} of SQL state class {@code 08} (connection exception) or {@code 57P01}–{@code 57P03}
 * (PostgreSQL shutting down or not accepting connections), H2's "database is closed" ({@code 90098}) and file I/O
 * errors ({@code 90028}, {@code 90031}), and a socket failure ({@link SocketException}, {@link EOFException} …) anywhere
 * in the cause chain. Any other failure (a constraint, a bug) is not an outage and is passed on unchanged.
 */
final class DatabaseAvailability {

    /** How often, while the database is unreachable, one unit of work tries it again. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** What a refused caller is told to wait ({@code Retry-After}, {@code retry_after_ms}). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAvailability.class);
    private static final Set<String> UNREACHABLE_STATES = Set.of("57P01", "57P02", "57P03", "90098", "90028", "90031");

    private final DatabaseSettings settings;
    private final LongSupplier nanoClock;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong refusals = new AtomicLong();
    private volatile long downSinceNanos;
    private volatile long nextProbeNanos;

    DatabaseAvailability(DatabaseSettings settings) {
        this(settings, System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds (tests control it) */
    DatabaseAvailability(DatabaseSettings settings, LongSupplier nanoClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Runs {@code work} (one unit of work on behalf of {@code requests} requests, e.g. a batch of messages), or refuses
     * it at once while the database is known to be unreachable and it is not this unit's turn to probe.
     *
     * @throws Unavailable when the database cannot be reached (now, or as last found)
     */
    <T> T guard(int requests, Supplier<T> work) {
        boolean probe = false;
        long started = nanoClock.getAsLong();
        if (down.get()) {
            if (nanoClock.getAsLong() - nextProbeNanos < 0 || !probing.compareAndSet(false, true)) {
                refusals.addAndGet(requests);
                throw Unavailable.storeUnreachable(RETRY_AFTER);
            }
            probe = true;
        }
        try {
            T result = work.get();
            reachable(started);
            return result;
        } catch (RuntimeException | Error failure) {
            if (!isUnreachable(failure)) {
                throw failure;
            }
            unreachable(failure, requests);
            throw Unavailable.storeUnreachable(RETRY_AFTER);
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
    }

    /** Whether the database is taken to be unreachable now. */
    boolean isDown() {
        return down.get();
    }

    /** Requests refused since the current outage began (0 when the database is up). */
    long refusalsSoFar() {
        return refusals.get();
    }

    /** Starts the outage (one log line) or counts one more failure of it. Outages start and end under the lock. */
    private synchronized void unreachable(Throwable failure, int requests) {
        long now = nanoClock.getAsLong();
        nextProbeNanos = now + PROBE_INTERVAL.toNanos();
        if (down.get()) {
            refusals.addAndGet(requests);
            return;
        }
        downSinceNanos = now;
        refusals.set(requests);
        down.set(true);
        LOG.warn("The database at {} cannot be reached or did not answer in time ({}): requests that need it are "
                + "refused (HTTP 503, frame 'unavailable') until it answers again, which is tried every {} s",
                settings.redactedUrl(), reason(failure), PROBE_INTERVAL.toSeconds());
    }

    /**
     * A unit of work that began at {@code startedNanos} succeeded: the outage is over (one log line), unless that work
     * began before the outage was found (it may have finished on a connection opened before).
     */
    private void reachable(long startedNanos) {
        if (!down.get()) {
            return;
        }
        synchronized (this) {
            if (!down.get() || startedNanos - downSinceNanos < 0) {
                return;
            }
            down.set(false);
            long awayMillis = Duration.ofNanos(nanoClock.getAsLong() - downSinceNanos).toMillis();
            LOG.info("The database at {} answers again after {} s; {} requests were refused meanwhile",
                    settings.redactedUrl(), String.format(java.util.Locale.ROOT, "%.1f", awayMillis / 1000.0),
                    refusals.getAndSet(0));
        }
    }

    /** Whether {@code failure} says that the database could not be reached (rather than that it refused the work). */
    static boolean isUnreachable(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 32; cause = cause.getCause(), depth++) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SocketException
                    || cause instanceof SocketTimeoutException
                    || cause instanceof EOFException
                    || cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNREACHABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** The innermost cause's message, on one line and without secrets. */
    private String reason(Throwable failure) {
        Throwable root = failure;
        int depth = 0;
        while (root.getCause() != null && root.getCause() != root && depth++ < 32) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        }
        return settings.withoutSecrets(message.strip().replaceAll("\\s*\\R\\s*", " "));
    }
}
