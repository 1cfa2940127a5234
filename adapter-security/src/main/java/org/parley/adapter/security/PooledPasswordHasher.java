package org.parley.adapter.security;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.parley.application.error.Unavailable;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;

/**
 * Runs another {@link PasswordHasher} on a bounded pool of its own (contract §16: log-in floods can never starve
 * delivery): {@code threads} threads (fewer than the processors, so the rest stay free for chat) and at most
 * {@code queue} passwords waiting for them. When the queue is full the caller is answered at once with
 * {@link Unavailable} (HTTP 503, {@code Retry-After: 1}) instead of waiting without bound. The caller waits for its own
 * hash (a request thread, which is the log-in's or registration's own).
 *
 * <p>At Django's default cost one hash takes a quarter of a CPU-second on this kind of machine: without a bound, eight
 * parallel guessers held both cores of a 2-core server, and chat delivery with them (issue 13).
 */
public final class PooledPasswordHasher implements PasswordHasher, AutoCloseable {

    private final PasswordHasher hasher;
    private final ThreadPoolExecutor pool;

    /**
     * @param hasher  the hasher that does the work
     * @param threads threads hashing at once, at least 1
     * @param queue   passwords waiting beyond those being hashed, at least 1
     */
    public PooledPasswordHasher(PasswordHasher hasher, int threads, int queue) {
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException("threads and queue must be at least 1");
        }
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), new HashingThreads(), new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public EncodedPassword hash(String rawPassword) {
        return run(() -> hasher.hash(rawPassword));
    }

    /**
     * Hashes on the pool without waiting for it. For work done once, at start, not for requests, so nothing is refused:
     * when the queue is full, the wrapped hasher makes it (on the caller's thread unless it has threads of its own).
     */
    @Override
    public CompletableFuture<EncodedPassword> hashInBackground(String rawPassword) {
        try {
            return CompletableFuture.supplyAsync(() -> hasher.hash(rawPassword), pool);
        } catch (RejectedExecutionException full) {
            return hasher.hashInBackground(rawPassword);
        }
    }

    @Override
    public boolean matches(String rawPassword, EncodedPassword encoded) {
        return run(() -> hasher.matches(rawPassword, encoded));
    }

    /** Asks the wrapped hasher on the caller's thread: checking a format derives no key. */
    @Override
    public Optional<String> refusesImported(EncodedPassword hash) {
        return hasher.refusesImported(hash);
    }

    /** Passwords waiting for a thread now (for tests). */
    int waiting() {
        return pool.getQueue().size();
    }

    private <T> T run(Callable<T> work) {
        Future<T> result;
        try {
            result = pool.submit(work);
        } catch (RejectedExecutionException full) {
            throw Unavailable.hashingBusy();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // The hash is under way and cheap to wait for; the request keeps its answer.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Hashing a password failed", cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the pool's threads (what is queued is still hashed). */
    @Override
    public void close() {
        pool.shutdown();
    }

    /** Daemon threads named {@code parley-hashing-<n>}. */
    private static final class HashingThreads implements ThreadFactory {

        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "parley-hashing-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
