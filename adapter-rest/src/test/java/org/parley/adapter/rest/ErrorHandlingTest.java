package org.parley.adapter.rest;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.error.NotFound;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.User;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;
import static org.parley.adapter.rest.TestApi.names;

/** Every error path answers with the failure envelope, never with a container page or a stack trace. */
class ErrorHandlingTest {

    private TestApi api = TestApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anUnknownRouteIsANotFoundEnvelope() {
        JsonNode failure = assertFailure(api.get("/no/such/route/", null), 404, "not_found");
        assertThat(failure.get("message").asText()).isEqualTo("Not found.");
        assertFailure(api.get("/nothing/", null), 404, "not_found");   // ("/" is the web client's page)
        assertFailure(api.get("/chat/messages/", null), 404, "not_found");
        assertFailure(api.send(api.request("/nothing", null).header("Accept", "text/html").GET()), 404, "not_found");
    }

    @Test
    void aWrongMethodIsMethodNotAllowedWithAllow() {
        TestApi.Reply reply = api.send(api.request("/auth/token/", null).DELETE());
        assertFailure(reply, 405, "method_not_allowed");
        assertThat(reply.header("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
        assertFailure(api.get("/auth/register/", null), 405, "method_not_allowed");
        assertFailure(api.post("/chat/user/threads/", "{}", null), 405, "method_not_allowed");
    }

    @Test
    void aWrongMediaTypeIsUnsupportedMediaType() {
        TestApi.Reply reply = api.send(api.request("/auth/token/", null)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("email=a&password=b")));
        assertFailure(reply, 415, "unsupported_media_type");
        assertFailure(api.send(api.request("/auth/register/", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=a"))), 415, "unsupported_media_type");
        assertFailure(api.send(api.request("/auth/register/", null)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "unsupported_media_type");
    }

    @Test
    void aMalformedContentTypeIsUnsupportedMediaType() {
        assertFailure(api.send(api.request("/auth/token/", null).header("Content-Type", "garbage")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "unsupported_media_type");
        assertFailure(api.send(api.request("/auth/token/", null).header("Content-Type", "text/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "unsupported_media_type");
    }

    @Test
    void answersJsonWhateverTheAcceptHeaderSays() {
        User user = api.user("accept@example.com", "Accept");
        for (String accept : new String[] {"text/html", "application/xml", "garbage", "a/b/c;;=", "*/*"}) {
            assertSuccess(api.send(api.request("/auth/me/", api.tokenFor(user)).header("Accept", accept).GET()), 200, null);
        }
        assertSuccess(api.send(api.request("/auth/me/", api.tokenFor(user)).header("Content-Type", "garbage").GET()),
                200, null);
    }

    @Test
    void jerseysOwnExtrasAreNotServed() {
        assertFailure(api.get("/application.wadl", null), 404, "not_found");
    }

    @Test
    void malformedJsonIsInvalidJson() {
        for (String body : new String[] {"{", "{\"email\": }", "not json", "{\"a\":1} trailing", "{\"email\":\"a\",\"email\":\"b\"}"}) {
            JsonNode failure = assertFailure(api.post("/auth/register/", body, null), 400, "invalid_json");
            assertThat(failure.has("errors")).isFalse();
        }
        assertFailure(api.post("/auth/register/", "[1, 2]", null), 400, "invalid_json");
        assertFailure(api.post("/auth/register/", "\"a string\"", null), 400, "invalid_json");
    }

    @Test
    void anEmptyOrNullBodyIsInvalidJson() {
        assertFailure(api.post("/auth/register/", "", null), 400, "invalid_json");
        assertFailure(api.post("/auth/register/", "null", null), 400, "invalid_json");
    }

    @Test
    void aValueOfTheWrongJsonTypeIsAFieldError() {
        JsonNode failure = assertFailure(api.post("/auth/register/",
                "{\"email\": {\"nested\": true}, \"password\": \"long enough pw\", \"fullname\": \"X\"}", null),
                400, "validation_error");
        assertThat(names(failure.get("errors"))).containsExactly("email");
        assertThat(failure.get("errors").get("email").get(0).asText()).isEqualTo("Expected a string");
    }

    @Test
    void anUnexpectedFailureIsAGeneric500WithoutItsDetails() {
        api.close();
        api = TestApi.start(TestApi.settings(Optional.empty()), useCases -> TestApi.withListing(useCases,
                query -> {
                    throw new IllegalStateException("SQL select * from users where password = 'secret'");
                },
                me -> {
                    throw new RuntimeException("SQL connection refused to db.internal:5432 secret");
                }));
        User user = api.user("someone@example.com", "Someone");
        User other = api.user("other@example.com", "Other");

        for (TestApi.Reply reply : new TestApi.Reply[] {
                api.get("/chat/user/threads/", api.tokenFor(user)),
                api.get("/chat/messages/" + other.id() + "/?limit=5", api.tokenFor(user))}) {
            JsonNode failure = assertFailure(reply, 500, "internal_error");
            assertThat(failure.get("message").asText()).isEqualTo("Internal server error.");
            assertThat(reply.body()).doesNotContain("SQL", "secret", "db.internal", "select");
        }
    }

    @Test
    void domainRuleViolationsAndNotFoundFromUseCasesKeepTheirMeaning() {
        api.close();
        api = TestApi.start(TestApi.settings(Optional.empty()), useCases -> TestApi.withListing(useCases,
                query -> {
                    throw new DomainRuleViolation(RuleSubject.RECEIVER, "You cannot send a message to yourself");
                },
                me -> {
                    throw new NotFound("No such thread");
                }));
        User user = api.user("someone@example.com", "Someone");
        User other = api.user("other@example.com", "Other");

        JsonNode violation = assertFailure(api.get("/chat/messages/" + other.id() + "/", api.tokenFor(user)),
                400, "validation_error");
        assertThat(violation.get("message").asText()).isEqualTo("You cannot send a message to yourself");
        assertThat(violation.get("errors").get("receiver_id").get(0).asText())
                .isEqualTo("You cannot send a message to yourself");

        JsonNode notFound = assertFailure(api.get("/chat/user/threads/", api.tokenFor(user)), 404, "not_found");
        assertThat(notFound.get("message").asText()).isEqualTo("No such thread");
    }

    @Test
    void aBodyAboveOneMebibyteIsTooLarge() {
        String big = "{\"email\":\"" + "a".repeat(1024 * 1024) + "\"}";
        TestApi.Reply announced = api.post("/auth/register/", big, null);
        assertFailure(announced, 413, "too_large");
    }

    @Test
    void aChunkedBodyAboveOneMebibyteIsTooLarge() {
        byte[] big = ("{\"email\":\"" + "a".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        TestApi.Reply chunked = api.send(api.request("/auth/register/", null)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertFailure(chunked, 413, "too_large");
    }

    @Test
    void aBodyJustUnderTheLimitIsRead() {
        String padding = " ".repeat(1024 * 1024 - 200);
        String body = "{\"email\":\"big@example.com\",\"password\":\"long enough pw\",\"fullname\":\"Big\"}" + padding;
        assertThat(body.length()).isLessThan(1024 * 1024);
        assertSuccess(api.post("/auth/register/", body, null), 201, "User registered successfully");
    }

    @Test
    void theServerStaysUsableAfterRefusingABody() {
        String big = "{\"email\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";
        assertFailure(api.post("/auth/register/", big, null), 413, "too_large");
        assertFailure(api.get("/auth/me/", null), 401, "unauthorized");
    }
}
