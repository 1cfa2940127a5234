package org.parley.application.port.out;

import java.time.Duration;
import java.util.Objects;

/**
 * A limit's answer to one request: granted, or refused until {@link #retryAfter()} has passed (contract §16).
 *
 * @param retryAfter zero when granted; when refused, how long until the same request would be granted (positive)
 */
public record Admission(boolean granted, Duration retryAfter) {

    private static final Admission GRANTED = new Admission(true, Duration.ZERO);

    public Admission {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (granted && !retryAfter.isZero()) {
            throw new IllegalArgumentException("A granted request has nothing to wait for");
        }
        if (!granted && (retryAfter.isNegative() || retryAfter.isZero())) {
            throw new IllegalArgumentException("A refused request waits a positive time");
        }
    }

    public static Admission grant() {
        return GRANTED;
    }

    /** Refused for {@code retryAfter}, at least one millisecond (the smallest wait a client is told). */
    public static Admission refuse(Duration retryAfter) {
        Duration atLeast = Duration.ofMillis(1);
        return new Admission(false, retryAfter.compareTo(atLeast) < 0 ? atLeast : retryAfter);
    }
}
