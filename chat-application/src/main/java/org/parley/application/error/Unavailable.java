package org.parley.application.error;

import java.time.Duration;
import java.util.Objects;

/**
 * The server cannot take this request now, through no fault of the caller's (too much of the same work is waiting, such
 * as password hashing under a flood of log-ins): nothing was done, and the request may be sent again after
 * {@link #retryAfter()}. Answered with HTTP 503 and {@code Retry-After}.
 */
public final class Unavailable extends UseCaseFailure {

    private final Duration retryAfter;

    public Unavailable(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive");
        }
    }

    /** Password hashing is at its bound (contract §16: log-ins never starve delivery). */
    public static Unavailable hashingBusy() {
        return new Unavailable("The server is busy checking passwords; try again in a moment", Duration.ofSeconds(1));
    }

    /** How long to wait before sending the request again (positive). */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.unavailable(this);
    }
}
