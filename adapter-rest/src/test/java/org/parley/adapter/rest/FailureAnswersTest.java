package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.ws.rs.core.Response;

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
import org.parley.domain.RuleSubject;

/**
 * Every kind of use-case failure, and a broken domain rule, as {@link FailureMapper} answers it: status, headers and
 * the exact failure envelope. A new kind of failure fails here until it has a sample and an expected answer.
 */
class FailureAnswersTest {

    private static final ObjectMapper JSON = new JsonMapperResolver().getContext(Object.class);

    private record Answer(int status, String body, Map<String, String> headers) {
    }

    private static final Map<Class<? extends UseCaseFailure>, Answer> EXPECTED = Map.of(
            ValidationFailed.class, new Answer(400, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"Some fields are invalid\",\"success\":false,\"code\":\"validation_error\","
                    + "\"errors\":{\"email\":[\"Enter a valid e-mail address\"],"
                    + "\"password\":[\"A password is required\"]}}", Map.of()),
            AuthenticationFailed.class, new Answer(401, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"Given token not valid for any token type\",\"success\":false,"
                    + "\"code\":\"unauthorized\"}", Map.of("WWW-Authenticate", "Bearer")),
            Conflict.class, new Answer(409, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"A user with this e-mail address already exists\",\"success\":false,"
                    + "\"code\":\"conflict\",\"errors\":{\"email\":[\"A user with this e-mail address already exists\"]}}",
                    Map.of()),
            NotFound.class, new Answer(404, "{\"status\":\"failure\",\"entity\":null,\"message\":\"No such message\","
                    + "\"success\":false,\"code\":\"not_found\"}", Map.of()),
            UnknownUser.class, new Answer(404, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"Invalid receipient\",\"success\":false,\"code\":\"not_found\"}", Map.of()),
            TooLarge.class, new Answer(413, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"The file is too large (at most 1024 bytes)\",\"success\":false,"
                    + "\"code\":\"too_large\"}", Map.of("Connection", "close")),
            RateLimited.class, new Answer(429, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"You are sending too fast; wait before sending more\",\"success\":false,"
                    + "\"code\":\"rate_limited\"}", Map.of("Retry-After", "2")),
            Unavailable.class, new Answer(503, "{\"status\":\"failure\",\"entity\":null,"
                    + "\"message\":\"The server is busy checking passwords; try again in a moment\",\"success\":false,"
                    + "\"code\":\"unavailable\"}", Map.of("Retry-After", "1")));

    @Test
    void everyKindOfUseCaseFailureHasItsAnswer() {
        assertThat(FailureSamples.missingKinds()).isEmpty();
        assertThat(List.<Class<?>>copyOf(EXPECTED.keySet()))
                .containsExactlyInAnyOrder(UseCaseFailure.class.getPermittedSubclasses());
        FailureSamples.USE_CASE_FAILURES.forEach((kind, sample) -> assertAnswer(sample, EXPECTED.get(kind)));
    }

    @Test
    void aBrokenDomainRuleIsAValidationErrorOnItsField() {
        assertAnswer(FailureSamples.DOMAIN_RULE_VIOLATION, new Answer(400, "{\"status\":\"failure\",\"entity\":null,"
                + "\"message\":\"You cannot send a message to yourself\",\"success\":false,"
                + "\"code\":\"validation_error\",\"errors\":{\"receiver_id\":[\"You cannot send a message to yourself\"]}}",
                Map.of()));
    }

    @Test
    void aValidationFailureListsItsFieldsInTheSubjectsOrder() throws JsonProcessingException {
        Map<RuleSubject, List<String>> problems = new EnumMap<>(RuleSubject.class);
        problems.put(RuleSubject.PROFILE_PHOTO, List.of("At most 1024 characters"));
        problems.put(RuleSubject.FULLNAME, List.of("A full name is required"));
        problems.put(RuleSubject.EMAIL, List.of("An e-mail address is required"));

        Response answer = new FailureMapper().toResponse(new ValidationFailed("Some fields are invalid", problems));

        assertThat(JSON.writeValueAsString(answer.getEntity()))
                .contains("\"errors\":{\"email\":[\"An e-mail address is required\"],"
                        + "\"fullname\":[\"A full name is required\"],\"profile_photo\":[\"At most 1024 characters\"]}");
    }

    /** The names the API has always answered with, subject by subject. */
    @Test
    void everySubjectHasItsRestName() {
        Map<RuleSubject, String> names = new EnumMap<>(RuleSubject.class);
        names.put(RuleSubject.TEXT, "message_body");
        names.put(RuleSubject.CAPTION, "message");
        names.put(RuleSubject.ATTACHMENT_NAME, "attached_file_name");
        names.put(RuleSubject.RECEIVER, "receiver_id");
        names.put(RuleSubject.SENDER, "sender");
        names.put(RuleSubject.CLIENT_MESSAGE_ID, "client_msg_id");
        names.put(RuleSubject.USER_ID, "id");
        names.put(RuleSubject.EMAIL, "email");
        names.put(RuleSubject.PASSWORD, "password");
        names.put(RuleSubject.FULLNAME, "fullname");
        names.put(RuleSubject.PHONE_NUMBER, "phone_number");
        names.put(RuleSubject.COUNTRY_CODE, "country_code");
        names.put(RuleSubject.GENDER, "gender");
        names.put(RuleSubject.PROFILE_PHOTO, "profile_photo");
        names.put(RuleSubject.ACCOUNT_TYPE, "account_type");
        names.put(RuleSubject.PAGE_SIZE, "limit");
        names.put(RuleSubject.PAGE_BEFORE, "before");
        names.put(RuleSubject.PAGE_AFTER, "after");

        assertThat(names).containsOnlyKeys(RuleSubject.values());
        for (RuleSubject subject : RuleSubject.values()) {
            assertThat(RestFieldNames.of(subject)).as(subject.name()).isEqualTo(names.get(subject));
        }
        assertThat(Arrays.stream(RuleSubject.values()).map(RestFieldNames::of).distinct()).hasSize(names.size());
    }

    private static void assertAnswer(RuntimeException failure, Answer expected) {
        Response answer = new FailureMapper().toResponse(failure);
        assertThat(answer.getStatus()).as(failure.getClass().getSimpleName()).isEqualTo(expected.status());
        assertThat(answer.getMediaType()).hasToString("application/json");
        try {
            assertThat(JSON.writeValueAsString(answer.getEntity())).as(failure.getClass().getSimpleName())
                    .isEqualTo(expected.body());
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
        expected.headers().forEach((name, value) ->
                assertThat(answer.getHeaderString(name)).as(failure.getClass().getSimpleName() + " " + name)
                        .isEqualTo(value));
    }
}
