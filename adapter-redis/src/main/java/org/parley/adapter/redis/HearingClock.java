package org.parley.adapter.redis;

/**
 * When a node's deafness on the bus is counted from: when it last heard a publication of its own come back (or joined,
 * or rejoined), moved on by the time its heartbeat thread stood still since then. Times are {@link System#nanoTime()}
 * values, compared by their differences (so a wrap of the clock is harmless). Not thread-safe: only the heartbeat
 * thread uses it; the time of the latest hearing, written by Lettuce's I/O threads, is passed in.
 *
 * <p><b>Why.</b> The heartbeat thread goes round every quarter of a second. A round much longer than that means that
 * the thread, and most likely the whole process, stood still: a long garbage collection, a frozen or suspended virtual
 * machine. Nothing the node published could come back while it did not run, and what came back meanwhile waits in its
 * socket to be read, so that time says nothing about Redis and must not make the node deaf: counted, a pause of the
 * deafness limit took the node for deaf the moment it ran again, and it closed every connection twice (going down,
 * then hearing itself again) though nothing was lost.
 *
 * <p><b>The rule.</b> Of a round, the first {@code longestRoundCounted} counts; the rest (the still time) is not
 * counted, but only the part of it after the moment deafness is counted from: a node that heard itself during the
 * still time (Lettuce's threads may read its publications before the heartbeat thread runs again) counts from that
 * hearing, never from a moment later than now. A node that merely runs slowly still counts up to
 * {@code longestRoundCounted} a round, so it finds a real deafness of {@code n} times that after {@code n} rounds.
 */
final class HearingClock {

    private final long longestRoundCountedNanos;
    private long latestRoundNanos;
    private long heardOrStillSinceNanos;

    /**
     * @param longestRoundCountedNanos the most of one round that counts (positive)
     * @param nowNanos                 the start: the heartbeat thread's first round begins its count here
     */
    HearingClock(long longestRoundCountedNanos, long nowNanos) {
        if (longestRoundCountedNanos <= 0) {
            throw new IllegalArgumentException("longestRoundCountedNanos must be positive");
        }
        this.longestRoundCountedNanos = longestRoundCountedNanos;
        this.latestRoundNanos = nowNanos;
        this.heardOrStillSinceNanos = nowNanos;
    }

    /**
     * A round of the heartbeat thread begins at {@code nowNanos}; the node last heard itself at {@code heardNanos}.
     * When the round that ends here was longer than counted, the still time after the moment deafness was counted
     * from is taken out of the count.
     */
    void roundBegins(long nowNanos, long heardNanos) {
        long stillFrom = latestRoundNanos + longestRoundCountedNanos;
        latestRoundNanos = nowNanos;
        if (nowNanos - stillFrom <= 0) {
            return;
        }
        long from = countedFrom(heardNanos);
        if (stillFrom - from > 0) {
            heardOrStillSinceNanos = from + (nowNanos - stillFrom);
        }
    }

    /** When deafness is counted from, the node having last heard itself at {@code heardNanos}: never after that. */
    long countedFrom(long heardNanos) {
        return heardNanos - heardOrStillSinceNanos > 0 ? heardNanos : heardOrStillSinceNanos;
    }
}
