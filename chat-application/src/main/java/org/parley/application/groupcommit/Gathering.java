package org.parley.application.groupcommit;

import java.time.Duration;
import java.util.Objects;

/**
 * When group commit's writer waits a moment for more messages before it commits a small batch, and until when: the
 * bounded gathering wait of {@link MessageWriter}. Not thread-safe: only the writer thread uses it.
 *
 * <p><b>Why.</b> On embedded H2 every commit is a chunk written to the file whose bookkeeping H2 keeps for its 45 s
 * retention time, and a commit of one message allocates about 70 KB on the writer against about 31 KB per message in
 * commits of four (docs/PERFORMANCE.md, "Fewer, fuller commits at low rates"). At 2,000 messages/s the writer
 * otherwise commits almost every message alone, so H2 keeps tens of thousands of chunks alive, which every young
 * collection copies again.
 *
 * <p><b>The rule.</b> A batch waits only when all of these hold, and never past its first message's enqueue time plus
 * {@code maxWait}:
 * <ul>
 *   <li>a wait is configured ({@code maxWait} above zero);</li>
 *   <li>the batch holds fewer than {@code enough} messages (from there on a fuller commit saves little more);</li>
 *   <li>messages have lately arrived less than {@code maxWait} apart (the average gap between consecutive messages the
 *       writer took, weighted 1/8 to the newest): another one is expected within the wait. The first message is
 *       committed at once, and a pause of eight times {@code maxWait} or more moves that average to {@code maxWait} or
 *       above, so a lone message is committed at once, with no added wait;</li>
 *   <li>its first message has waited less than {@code maxWait} since it was queued: under a load that already fills
 *       batches (the writer busy, messages waiting) nothing is added either.</li>
 * </ul>
 * So no message waits in the writer more than {@code maxWait} longer than it would have, and what a commit promises is
 * unchanged: nothing is delivered before its batch has committed.
 */
final class Gathering {

    /** The newest gap's weight in the average, as a shift: 1/8. */
    private static final int NEWEST_WEIGHT_SHIFT = 3;
    /** Gaps are counted up to this (about 36 years), so that the average cannot overflow. */
    private static final long LONGEST_GAP_NANOS = 1L << 60;

    private final long maxWaitNanos;
    private final int enough;
    private long lastEnqueuedNanos;
    /** How many messages were taken, counted up to 2. */
    private int taken;
    /**
     * The weighted average gap between consecutive messages taken, in nanoseconds: the longest until two are seen,
     * then the first gap, then moved 1/8 towards each new one.
     */
    private long averageGapNanos = LONGEST_GAP_NANOS;

    /**
     * @param maxWait the longest a batch's first message may wait for company, beyond the time it already waited in
     *                the queue ({@link Duration#ZERO}: never wait)
     * @param enough  a batch of this many messages or more is committed at once
     * @throws IllegalArgumentException when {@code maxWait} is negative or {@code enough} below 1
     */
    Gathering(Duration maxWait, int enough) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative() || enough < 1) {
            throw new IllegalArgumentException("maxWait must not be negative, enough must be positive");
        }
        this.maxWaitNanos = maxWait.toNanos();
        this.enough = enough;
    }

    /** Whether this ever waits; when not, the writer need not read the clock for it. */
    boolean waits() {
        return maxWaitNanos > 0;
    }

    /**
     * Counts a message the writer took, queued at {@code enqueuedNanos} ({@link System#nanoTime()}), in the order
     * taken. Messages queued by several threads may be taken slightly out of their clock's order: a negative gap counts
     * as none.
     */
    void taken(long enqueuedNanos) {
        if (taken > 0) {
            long gap = Math.min(Math.max(enqueuedNanos - lastEnqueuedNanos, 0), LONGEST_GAP_NANOS);
            averageGapNanos = taken == 1 ? gap : averageGapNanos + ((gap - averageGapNanos) >> NEWEST_WEIGHT_SHIFT);
        }
        taken = Math.min(taken + 1, 2);
        lastEnqueuedNanos = enqueuedNanos;
    }

    /**
     * How long the writer may still wait for more messages, in nanoseconds, before committing a batch of {@code size}
     * messages whose first was queued at {@code firstEnqueuedNanos}, at {@code nowNanos} (all {@link System#nanoTime()});
     * 0 or less: commit now.
     */
    long waitNanos(int size, long firstEnqueuedNanos, long nowNanos) {
        if (maxWaitNanos == 0 || size >= enough || averageGapNanos >= maxWaitNanos) {
            return 0;
        }
        return firstEnqueuedNanos + maxWaitNanos - nowNanos;
    }
}
