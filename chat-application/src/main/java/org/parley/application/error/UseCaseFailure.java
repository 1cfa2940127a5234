package org.parley.application.error;

import org.parley.domain.DomainRuleViolation;

/**
 * The base of every failure a use case reports on purpose. Its message is safe to show to the caller.
 *
 * <p>The family is closed ({@code sealed}): a driving adapter answers a failure through {@link #accept(Cases)}, with
 * one method per kind, so a new kind of failure is a compile error in every adapter until that adapter says how to
 * answer it (rather than falling silently into a default). A broken domain rule ({@link DomainRuleViolation}) is
 * answered through the same {@link Cases}, as {@link Cases#domainRuleBroken}.
 */
public abstract sealed class UseCaseFailure extends RuntimeException
        permits AuthenticationFailed, Conflict, NotFound, RateLimited, TooLarge, Unavailable, UnknownUser,
        ValidationFailed {

    protected UseCaseFailure(String message) {
        super(message, null, false, false);
    }

    /** The answer {@code cases} gives to this kind of failure. */
    public abstract <R> R accept(Cases<R> cases);

    /**
     * How a driving adapter answers each kind of failure (an HTTP response, an error frame …): one method per
     * permitted subclass of {@link UseCaseFailure}, plus broken domain rules.
     *
     * @param <R> the adapter's answer
     */
    public interface Cases<R> {

        R validationFailed(ValidationFailed failure);

        R authenticationFailed(AuthenticationFailed failure);

        R conflict(Conflict failure);

        R notFound(NotFound failure);

        R unknownUser(UnknownUser failure);

        R tooLarge(TooLarge failure);

        R rateLimited(RateLimited failure);

        R unavailable(Unavailable failure);

        /** A domain value or action refused by the domain itself (it is not a {@link UseCaseFailure}). */
        R domainRuleBroken(DomainRuleViolation violation);
    }
}
