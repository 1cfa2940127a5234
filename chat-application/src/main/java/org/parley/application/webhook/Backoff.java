package org.parley.application.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * When a webhook event that failed is tried again, and when it is given up (contract §15): the first retry
 * {@code first} after the first failure, each wait twice the one before, never more than {@code longest}; a failure
 * at or after {@code giveUpAfter} from the event's creation gives it up. Contract defaults: 1 s, 10 min, 24 h.
 *
 * @param first       the wait after the first failure (positive)
 * @param longest     the longest wait (at least {@code first})
 * @param giveUpAfter how long after its creation an event is still tried (positive)
 */
public record Backoff(Duration first, Duration longest, Duration giveUpAfter) {

    /** 1 s doubling to 10 min, for 24 h. */
    public static final Backoff CONTRACT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10),
            Duration.ofHours(24));

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(longest, "longest");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0 || giveUpAfter.isNegative()
                || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("A backoff needs 0 < first <= longest and a positive giveUpAfter");
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1: {@code first}, 2: twice that, …, at most {@code longest}). */
    public Duration after(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, got " + failures);
        }
        Duration wait = first;
        for (int i = 1; i < failures && wait.compareTo(longest) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(longest) > 0 ? longest : wait;
    }
}
