package org.parley.adapter.websocket;

import java.time.Duration;
import java.util.OptionalLong;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.application.error.TooLarge;
import org.parley.application.error.Unavailable;
import org.parley.application.error.UnknownUser;
import org.parley.application.error.UseCaseFailure;
import org.parley.application.error.ValidationFailed;
import org.parley.domain.DomainRuleViolation;

/**
 * The error frame's {@code code} and {@code message} for each kind of use-case failure and for a broken domain rule
 * (contract §8). Implementing {@link UseCaseFailure.Cases} makes a new kind of failure a compile error here until it
 * has its answer. Frames name no field, so a failure's subject is not rendered; its message is.
 */
final class FrameRefusals implements UseCaseFailure.Cases<FrameRefusals.Refusal> {

    static final FrameRefusals INSTANCE = new FrameRefusals();

    /**
     * What an error frame says: its code, its human message and, for a limit, the wait before the same frame would be
     * accepted ({@code retry_after_ms}).
     */
    record Refusal(ErrorCode code, String message, OptionalLong retryAfterMillis) {

        Refusal(ErrorCode code, String message) {
            this(code, message, OptionalLong.empty());
        }
    }

    private FrameRefusals() {
    }

    @Override
    public Refusal validationFailed(ValidationFailed failure) {
        return new Refusal(ErrorCode.VALIDATION_ERROR, failure.getMessage());
    }

    /** The sender's account was deactivated (or removed) since the handshake. */
    @Override
    public Refusal authenticationFailed(AuthenticationFailed failure) {
        return new Refusal(ErrorCode.FORBIDDEN, "You may no longer send messages");
    }

    @Override
    public Refusal conflict(Conflict failure) {
        return new Refusal(ErrorCode.VALIDATION_ERROR, failure.getMessage());
    }

    @Override
    public Refusal notFound(NotFound failure) {
        return new Refusal(ErrorCode.NOT_FOUND, failure.getMessage());
    }

    @Override
    public Refusal unknownUser(UnknownUser failure) {
        return new Refusal(ErrorCode.INVALID_RECEIVER, failure.getMessage());
    }

    @Override
    public Refusal tooLarge(TooLarge failure) {
        return new Refusal(ErrorCode.TOO_LARGE, failure.getMessage());
    }

    /** {@code rate_limited} with {@code retry_after_ms}, in whole milliseconds rounded up (contract §16). */
    @Override
    public Refusal rateLimited(RateLimited failure) {
        return new Refusal(ErrorCode.RATE_LIMITED, failure.getMessage(), OptionalLong.of(millis(failure.retryAfter())));
    }

    /**
     * The server cannot take the frame now (the database cannot be reached): {@code unavailable} with
     * {@code retry_after_ms}; nothing was stored.
     */
    @Override
    public Refusal unavailable(Unavailable failure) {
        return new Refusal(ErrorCode.UNAVAILABLE, failure.getMessage(), OptionalLong.of(millis(failure.retryAfter())));
    }

    /** A wait in whole milliseconds, rounded up, at least 1. */
    private static long millis(Duration wait) {
        long millis = wait.toMillis() + (wait.toNanosPart() % 1_000_000 > 0 ? 1 : 0);
        return Math.max(1, millis);
    }

    @Override
    public Refusal domainRuleBroken(DomainRuleViolation violation) {
        return new Refusal(ErrorCode.VALIDATION_ERROR, violation.getMessage());
    }
}
