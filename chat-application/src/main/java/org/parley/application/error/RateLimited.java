package org.parley.application.error;

import java.time.Duration;
import java.util.Objects;

/**
 * The caller did more than a limit allows (contract §16): nothing was done, and the same request will be accepted
 * again after {@link #retryAfter()}. {@link Limit} says which limit, for logs and tests; the answer to the client is
 * the same kind either way (a {@code rate_limited} frame, or HTTP 429 with {@code Retry-After}).
 */
public final class RateLimited extends UseCaseFailure {

    /** The limit that refused. */
    public enum Limit {
        /** A user's send rate ({@code PARLEY_SEND_RATE_PER_SECOND}, {@code PARLEY_SEND_BURST}). */
        SENDING,
        /** Failed log-ins for one e-mail address ({@code PARLEY_LOGIN_FAILURES}, {@code PARLEY_LOGIN_WINDOW_SECONDS}). */
        LOG_IN
    }

    private final Limit limit;
    private final Duration retryAfter;

    public RateLimited(Limit limit, Duration retryAfter, String message) {
        super(message);
        this.limit = Objects.requireNonNull(limit, "limit");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive");
        }
    }

    public static RateLimited sending(Duration retryAfter) {
        return new RateLimited(Limit.SENDING, retryAfter, "You are sending too fast; wait before sending more");
    }

    public static RateLimited logIn(Duration retryAfter) {
        return new RateLimited(Limit.LOG_IN, retryAfter,
                "Too many failed log-ins for this e-mail address; try again later");
    }

    public Limit limit() {
        return limit;
    }

    /** How long until the same request would be accepted (positive). */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.rateLimited(this);
    }
}
