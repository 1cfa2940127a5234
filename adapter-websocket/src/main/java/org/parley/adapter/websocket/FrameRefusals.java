package org.parley.adapter.websocket;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.TooLarge;
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

    /** What an error frame says: its code and its human message. */
    record Refusal(ErrorCode code, String message) {
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

    @Override
    public Refusal domainRuleBroken(DomainRuleViolation violation) {
        return new Refusal(ErrorCode.VALIDATION_ERROR, violation.getMessage());
    }
}
