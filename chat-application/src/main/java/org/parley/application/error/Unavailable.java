package org.parley.application.error;

import java.time.Duration;
import java.util.Objects;

/**
 * The server cannot take this request now, through no fault of the caller's: too much of the same work is waiting (such
 * as password hashing under a flood of log-ins), or storage cannot be reached ({@link #storeUnreachable}: the database
 * is down or does not answer within its timeout). Nothing was done, and the request may be sent again after
 * {@link #retryAfter()}. Answered with HTTP 503 and {@code Retry-After}, or an error frame {@code unavailable} with
 * {@code retry_after_ms}.
 *
 * <p>It is also what the storage ports ({@link org.parley.application.port.out.UserAccounts},
 * {@link org.parley.application.port.out.ThreadRepository}, {@link org.parley.application.port.out.MessageRepository})
 * throw when their store cannot be reached: the storage adapter turns its framework's failures into it, so use cases
 * and driving adapters never see a database type. Like every {@link UseCaseFailure} it carries no stack trace.
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

    /**
     * Storage cannot be reached now (the database is down, or did not answer within its timeout): nothing was stored
     * or read. Thrown by storage adapters; the caller may try again after {@code retryAfter}.
     */
    public static Unavailable storeUnreachable(Duration retryAfter) {
        return new Unavailable("The database cannot be reached at the moment; try again shortly", retryAfter);
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
