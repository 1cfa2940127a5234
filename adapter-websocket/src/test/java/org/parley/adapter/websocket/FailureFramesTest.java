package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.Conflict;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.application.error.TooLarge;
import org.parley.application.error.Unavailable;
import org.parley.application.error.UnknownUser;
import org.parley.application.error.UseCaseFailure;
import org.parley.application.error.ValidationFailed;
import org.parley.application.testing.FailureSamples;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * Every kind of use-case failure, and a broken domain rule, thrown by the use case a frame drives, as
 * {@link InboundFrames} answers it: the exact error frame (contract §8), the connection left open. A new kind of
 * failure fails here until it has a sample and an expected frame.
 */
class FailureFramesTest {

    private static final User ALICE = User.joined(UserId.random(), new EmailAddress("alice@example.org"),
            UserProfile.named("Alice"), Instant.parse("2025-01-01T00:00:00Z"));
    private static final String FRAME = "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
            + UserId.random() + "\",\"client_msg_id\":\"m1\"}";

    private static final Map<Class<? extends UseCaseFailure>, String> EXPECTED = Map.of(
            ValidationFailed.class, errorFrame("validation_error", "Some fields are invalid"),
            AuthenticationFailed.class, errorFrame("forbidden", "You may no longer send messages"),
            Conflict.class, errorFrame("validation_error", "A user with this e-mail address already exists"),
            NotFound.class, errorFrame("not_found", "No such message"),
            UnknownUser.class, errorFrame("invalid_receiver", "Invalid receipient"),
            TooLarge.class, errorFrame("too_large", "The file is too large (at most 1024 bytes)"),
            RateLimited.class, "{\"action\":\"error\",\"code\":\"rate_limited\","
                    + "\"message\":\"You are sending too fast; wait before sending more\","
                    + "\"request_action\":\"text_message\",\"client_msg_id\":\"m1\",\"retry_after_ms\":1500}",
            Unavailable.class, "{\"action\":\"error\",\"code\":\"unavailable\","
                    + "\"message\":\"The server is busy checking passwords; try again in a moment\","
                    + "\"request_action\":\"text_message\",\"client_msg_id\":\"m1\",\"retry_after_ms\":1000}");

    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final InboundFrames inbound = new InboundFrames(new WebSocketUseCases(
            command -> {
                throw failure.get();
            },
            command -> {
                throw new AssertionError("not driven by a text frame");
            },
            command -> {
                throw new AssertionError("not driven by a text frame");
            },
            command -> {
                throw new AssertionError("not driven by a text frame");
            },
            command -> {
                throw new AssertionError("not driven by a text frame");
            },
            command -> {
                throw new AssertionError("not driven by a text frame");
            }));

    @Test
    void everyKindOfUseCaseFailureHasItsErrorFrame() {
        assertThat(FailureSamples.missingKinds()).isEmpty();
        assertThat(List.<Class<?>>copyOf(EXPECTED.keySet()))
                .containsExactlyInAnyOrder(UseCaseFailure.class.getPermittedSubclasses());
        FailureSamples.USE_CASE_FAILURES.forEach((kind, sample) ->
                assertThat(answerTo(sample)).as(kind.getSimpleName()).containsExactly(EXPECTED.get(kind)));
    }

    @Test
    void aBrokenDomainRuleIsAValidationError() {
        assertThat(answerTo(FailureSamples.DOMAIN_RULE_VIOLATION))
                .containsExactly(errorFrame("validation_error", "You cannot send a message to yourself"));
    }

    @Test
    void anythingElseIsAnInternalError() {
        assertThat(answerTo(new IllegalStateException("the database is gone")))
                .containsExactly(errorFrame("internal_error", "Something went wrong on the server"));
    }

    private List<String> answerTo(RuntimeException thrown) {
        failure.set(thrown);
        List<String> replies = new ArrayList<>();
        inbound.handle(ALICE.id(), new ClientFrame(FRAME), replies::add);
        return replies;
    }

    private static String errorFrame(String code, String message) {
        return "{\"action\":\"error\",\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"request_action\":\"text_message\",\"client_msg_id\":\"m1\"}";
    }
}
