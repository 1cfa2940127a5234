package org.parley.adapter.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a Redis user of this adapter asks Redis from request threads when Redis may fail: after a failure Redis is left
 * alone for {@code askAgainAfter} (callers decide on the node at once), then one request at a time asks it again, the
 * others still deciding at once. A Redis that hangs rather than refuses (frozen, or a connection that died without a
 * word) would otherwise hold every request for the command time-out (issue 13's second review found it for the send
 * limits). Thread-safe.
 */
final class LeftAloneAfterFailure {

    private final Duration askAgainAfter;
    private final Consumer<RuntimeException> onFirstFailure;
    private final Runnable onAnsweredAgain;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    /** While Redis is unreachable: one request at a time asks it again, from this monotonic time on. */
    private volatile long askAgainAtNanos;
    /** Held by the one request asking Redis again. */
    private final AtomicBoolean probing = new AtomicBoolean();

    /**
     * @param askAgainAfter   how long after a failure Redis is not asked at all
     * @param onFirstFailure  told the failure that made Redis unreachable (once per outage: a warning)
     * @param onAnsweredAgain told when Redis answers again after an outage (once: an information line)
     */
    LeftAloneAfterFailure(Duration askAgainAfter, Consumer<RuntimeException> onFirstFailure, Runnable onAnsweredAgain) {
        this.askAgainAfter = Objects.requireNonNull(askAgainAfter, "askAgainAfter");
        this.onFirstFailure = Objects.requireNonNull(onFirstFailure, "onFirstFailure");
        this.onAnsweredAgain = Objects.requireNonNull(onAnsweredAgain, "onAnsweredAgain");
    }

    /**
     * {@code question}'s answer, or null when Redis is left alone (it failed less than {@code askAgainAfter} ago, or
     * another request is asking it again) or fails now (a {@link RuntimeException}: counted as a failure). Never throws
     * a {@link RuntimeException}.
     */
    <T> T ask(Supplier<T> question) {
        boolean probe = false;
        if (unreachable.get()) {
            if (System.nanoTime() - askAgainAtNanos < 0 || !probing.compareAndSet(false, true)) {
                return null;
            }
            probe = true;
        }
        try {
            T answer = question.get();
            answered();
            return answer;
        } catch (RuntimeException failure) {
            failed(failure);
            return null;
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
    }

    /** A call made without {@link #ask} (a background thread's, which may wait) was answered. */
    void answered() {
        if (unreachable.compareAndSet(true, false)) {
            onAnsweredAgain.run();
        }
    }

    /** A call made without {@link #ask} failed: Redis is left alone from now on, for {@code askAgainAfter}. */
    void failed(RuntimeException failure) {
        askAgainAtNanos = System.nanoTime() + askAgainAfter.toNanos();
        if (unreachable.compareAndSet(false, true)) {
            onFirstFailure.accept(failure);
        }
    }
}
