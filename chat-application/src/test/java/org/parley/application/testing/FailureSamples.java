package org.parley.application.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import org.parley.domain.RuleSubject;

/**
 * One failure of every kind a driving adapter must answer: each permitted subclass of {@link UseCaseFailure}, and a
 * broken domain rule. Adapters' tests map every sample and check the answer; {@link #missingKinds()} is empty only
 * while a sample exists for every permitted subclass, so a new kind of failure fails those tests until it has one.
 */
public final class FailureSamples {

    /** A sample of each kind of use-case failure, by kind. */
    public static final Map<Class<? extends UseCaseFailure>, UseCaseFailure> USE_CASE_FAILURES = Map.of(
            ValidationFailed.class, new ValidationFailed("Some fields are invalid", Map.of(
                    RuleSubject.EMAIL, List.of("Enter a valid e-mail address"),
                    RuleSubject.PASSWORD, List.of("A password is required"))),
            AuthenticationFailed.class, AuthenticationFailed.token(AuthenticationFailed.Reason.EXPIRED_TOKEN),
            Conflict.class, Conflict.emailTaken(),
            NotFound.class, new NotFound("No such message"),
            UnknownUser.class, new UnknownUser(),
            TooLarge.class, new TooLarge(1024),
            RateLimited.class, RateLimited.sending(Duration.ofMillis(1_500)),
            Unavailable.class, Unavailable.hashingBusy());

    /** A broken domain rule. */
    public static final DomainRuleViolation DOMAIN_RULE_VIOLATION =
            new DomainRuleViolation(RuleSubject.RECEIVER, "You cannot send a message to yourself");

    private FailureSamples() {
    }

    /** The permitted subclasses of {@link UseCaseFailure} that have no sample here (empty when all have one). */
    public static List<Class<?>> missingKinds() {
        return List.of(UseCaseFailure.class.getPermittedSubclasses()).stream()
                .filter(kind -> !USE_CASE_FAILURES.containsKey(kind))
                .toList();
    }
}
