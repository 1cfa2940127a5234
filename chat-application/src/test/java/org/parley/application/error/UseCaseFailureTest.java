package org.parley.application.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.parley.application.testing.FailureSamples;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

/** Each kind of failure is answered by its own case of {@link UseCaseFailure.Cases}, and every kind has a sample. */
class UseCaseFailureTest {

    /** Answers with the name of the case that was called. */
    private static final UseCaseFailure.Cases<String> CASE_NAMES = new UseCaseFailure.Cases<>() {
        @Override
        public String validationFailed(ValidationFailed failure) {
            return "validationFailed";
        }

        @Override
        public String authenticationFailed(AuthenticationFailed failure) {
            return "authenticationFailed";
        }

        @Override
        public String conflict(Conflict failure) {
            return "conflict";
        }

        @Override
        public String notFound(NotFound failure) {
            return "notFound";
        }

        @Override
        public String unknownUser(UnknownUser failure) {
            return "unknownUser";
        }

        @Override
        public String tooLarge(TooLarge failure) {
            return "tooLarge";
        }

        @Override
        public String rateLimited(RateLimited failure) {
            return "rateLimited";
        }

        @Override
        public String unavailable(Unavailable failure) {
            return "unavailable";
        }

        @Override
        public String domainRuleBroken(DomainRuleViolation violation) {
            return "domainRuleBroken";
        }
    };

    @Test
    void thereIsASampleOfEveryKind() {
        assertThat(FailureSamples.missingKinds()).isEmpty();
        assertThat(FailureSamples.USE_CASE_FAILURES)
                .allSatisfy((kind, sample) -> assertThat(sample).isExactlyInstanceOf(kind));
    }

    @Test
    void everyKindHasItsOwnCaseAndIsAnsweredByIt() {
        for (Class<?> kind : UseCaseFailure.class.getPermittedSubclasses()) {
            String name = kind.getSimpleName();
            String caseName = name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
            assertThat(Arrays.stream(UseCaseFailure.Cases.class.getMethods()).map(Method::getName))
                    .as("Cases has a method for %s", name)
                    .contains(caseName);
            assertThat(FailureSamples.USE_CASE_FAILURES.get(kind).accept(CASE_NAMES)).as(name).isEqualTo(caseName);
        }
    }

    @Test
    void casesHasOneMethodPerKindAndOneForBrokenDomainRules() {
        assertThat(UseCaseFailure.Cases.class.getMethods())
                .hasSize(UseCaseFailure.class.getPermittedSubclasses().length + 1);
    }

    @Test
    void aValidationFailureKeepsTheSubjectsInTheirOrderAndNamesAtLeastOne() {
        ValidationFailed failure = new ValidationFailed("Some fields are invalid", Map.of(
                RuleSubject.PASSWORD, List.of("A password is required"),
                RuleSubject.EMAIL, List.of("Enter a valid e-mail address")));

        assertThat(failure.problems().keySet()).containsExactly(RuleSubject.EMAIL, RuleSubject.PASSWORD);
        assertThatThrownBy(() -> new ValidationFailed("Some fields are invalid", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
