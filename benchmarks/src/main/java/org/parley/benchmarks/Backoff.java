package org.parley.benchmarks;

import java.util.random.RandomGenerator;

/**
 * A reconnecting client's schedule (the storm mode): the first attempt after a drop goes at once, with no pause and
 * no jitter, so every client of a restarted server reconnects at the same moment; before attempt {@code n ≥ 1} (after
 * {@code n} attempts refused or failed) it pauses a uniformly random whole number of milliseconds in
 * {@code [0, min(maxMillis, firstMillis · 2^(n−1))]} ("full jitter": exponential backoff whose ceiling doubles per
 * failure up to the cap, the pause drawn anywhere below it, so clients that failed together spread out).
 *
 * <p>Own code rather than a retry library's: Failsafe's and Resilience4j's jitter is a factor around the delay, not
 * full jitter, and neither takes a seeded generator; the schedule is two lines.
 *
 * @param firstMillis the ceiling of the first pause (before attempt 1), in milliseconds, at least 1
 * @param maxMillis   the cap of every ceiling, in milliseconds, at least {@code firstMillis} and at most a day
 */
record Backoff(long firstMillis, long maxMillis) {

    /** The default first ceiling ({@code --retry-delay-ms}). */
    static final long DEFAULT_FIRST_MILLIS = 100;
    /** The default cap ({@code --retry-max-delay-ms}). */
    static final long DEFAULT_MAX_MILLIS = 2_000;

    /** The longest cap: a day. */
    static final long LONGEST_MILLIS = 86_400_000;

    /** @throws IllegalArgumentException unless {@code 1 <= firstMillis <= maxMillis <= LONGEST_MILLIS} */
    Backoff {
        if (firstMillis < 1 || maxMillis < firstMillis || maxMillis > LONGEST_MILLIS) {
            throw new IllegalArgumentException("the backoff needs 1 <= first (" + firstMillis + ") <= max ("
                    + maxMillis + ") milliseconds");
        }
    }

    /**
     * The most the pause before attempt {@code attempt} may last, in milliseconds: 0 for attempt 0, else
     * {@code min(maxMillis, firstMillis · 2^(attempt−1))} (no overflow for any attempt number).
     *
     * @throws IllegalArgumentException for a negative attempt
     */
    long ceilingMillis(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt + " < 0");
        }
        if (attempt == 0) {
            return 0;
        }
        int doublings = attempt - 1;
        // firstMillis << doublings exceeds the cap exactly when firstMillis > maxMillis >> doublings (no overflow)
        if (doublings >= 62 || firstMillis > (maxMillis >> doublings)) {
            return maxMillis;
        }
        return Math.min(maxMillis, firstMillis << doublings);
    }

    /**
     * The pause before attempt {@code attempt}, in milliseconds: 0 for attempt 0, else drawn uniformly from
     * {@code [0, ceilingMillis(attempt)]} with {@code random}.
     */
    long pauseMillis(int attempt, RandomGenerator random) {
        long ceiling = ceilingMillis(attempt);
        return ceiling == 0 ? 0 : random.nextLong(ceiling + 1);
    }
}
