package org.parley.adapter.rest;

import java.time.LocalDate;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.PASSWORD;
import static org.parley.adapter.rest.TestApi.TIMESTAMP;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;
import static org.parley.adapter.rest.TestApi.assertUser;
import static org.parley.adapter.rest.TestApi.names;

/** {@code /auth/register/}, {@code /auth/token/}, {@code /auth/token/refresh/} and {@code /auth/me/}. */
class AuthEndpointsTest {

    private final TestApi api = TestApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void registersAUserAndAnswersWithTheUser() {
        TestApi.Reply reply = api.post("/auth/register/", """
                {"email": "New.User@Example.com", "password": "a good password", "fullname": "New User",
                 "phone_number": "9128168542", "country_code": "+234", "gender": "female",
                 "date_of_birth": "1990-05-17", "is_superuser": true, "unknown_field": [1, 2]}
                """, null);

        JsonNode data = assertSuccess(reply, 201, "User registered successfully");
        User stored = api.users.findById(UserId.parse(data.get("id").asText())).orElseThrow();
        assertUser(data, stored);
        assertThat(data.get("email").asText()).isEqualTo("New.User@Example.com");
        assertThat(data.get("fullname").asText()).isEqualTo("New User");
        assertThat(data.get("phone_number").asText()).isEqualTo("9128168542");
        assertThat(data.get("country_code").asText()).isEqualTo("+234");
        assertThat(data.get("gender").asText()).isEqualTo("female");
        assertThat(data.get("date_of_birth").asText()).isEqualTo("1990-05-17");
        assertThat(data.get("is_active").booleanValue()).isTrue();
        assertThat(data.get("is_superuser").booleanValue()).isFalse();
        assertThat(data.get("account_type").asText()).isEqualTo("user");
        assertThat(data.get("last_login").isNull()).isTrue();
        assertThat(data.get("created_at").asText()).matches(TIMESTAMP);
        assertThat(stored.profile().dateOfBirth()).isEqualTo(LocalDate.of(1990, 5, 17));
    }

    @Test
    void writesUnknownOptionalTextAsEmptyStringsAndUnknownDatesAsNull() {
        JsonNode data = assertSuccess(api.post("/auth/register/",
                "{\"email\": \"min@example.com\", \"password\": \"a good password\", \"fullname\": \"Min\"}", null),
                201, "User registered successfully");
        assertThat(data.get("gender").asText()).isEmpty();
        assertThat(data.get("country_code").asText()).isEmpty();
        assertThat(data.get("phone_number").asText()).isEmpty();
        assertThat(data.get("date_of_birth").isNull()).isTrue();
        assertThat(data.get("profile_photo").isNull()).isTrue();
    }

    @Test
    void keepsUnicodeAndJsonEscapingIntact() {
        String name = "Zoë \"quoted\" 😀 <b>\\\u2028 end";
        String body = "{\"email\": \"zoe@example.com\", \"password\": \"a good password\", \"fullname\": "
                + "\"Zoë \\\"quoted\\\" 😀 <b>\\\\\\u2028 end\"}";
        JsonNode data = assertSuccess(api.post("/auth/register/", body, null), 201, "User registered successfully");
        assertThat(data.get("fullname").asText()).isEqualTo(name);
        User stored = api.users.findByEmail(new EmailAddress("zoe@example.com")).orElseThrow().user();
        assertThat(stored.profile().fullname()).isEqualTo(name);

        JsonNode me = assertSuccess(api.get("/auth/me/", api.tokenFor(stored)), 200, null);
        assertThat(me.get("fullname").asText()).isEqualTo(name);
    }

    @Test
    void refusesInvalidFieldsWithFieldErrors() {
        JsonNode failure = assertFailure(api.post("/auth/register/",
                "{\"email\": \"not-an-email\", \"password\": \"short\", \"fullname\": \"  \"}", null),
                400, "validation_error");
        assertThat(names(failure.get("errors"))).containsExactlyInAnyOrder("email", "password", "fullname");
        failure.get("errors").forEach(problems -> assertThat(problems.isArray()).isTrue());

        JsonNode missing = assertFailure(api.post("/auth/register/", "{}", null), 400, "validation_error");
        assertThat(names(missing.get("errors"))).contains("email", "password", "fullname");
    }

    /**
     * Years outside 0001–9999 included (found by EntrancePropertiesTest: {@code +999999999-12-31} was accepted, and
     * on PostgreSQL, whose dates end in year 5874897, answered 500).
     */
    @Test
    void refusesADateOfBirthThatIsNotADate() {
        for (String date : new String[] {"\"17/05/1990\"", "\"1990-02-30\"", "12345", "\"+999999999-12-31\"",
                "\"-999999999-01-01\"", "\"+10000-01-01\"", "\"0000-01-01\"", "\"-0001-01-01\"", "\"1990-5-17\"",
                "\"\u0661\u0669\u0669\u0660-05-17\""}) {
            JsonNode failure = assertFailure(api.post("/auth/register/", "{\"email\": \"d@example.com\", "
                    + "\"password\": \"a good password\", \"fullname\": \"D\", \"date_of_birth\": " + date + "}", null),
                    400, "validation_error");
            assertThat(failure.get("errors").get("date_of_birth").get(0).asText()).contains("YYYY-MM-DD");
        }
    }

    @Test
    void acceptsTheFirstAndLastDaysDjangoCanHold() {
        for (String date : new String[] {"0001-01-01", "9999-12-31", " 1990-05-17 "}) {
            JsonNode data = assertSuccess(api.post("/auth/register/", "{\"email\": \"d" + date.strip()
                    + "@example.com\", \"password\": \"a good password\", \"fullname\": \"D\", \"date_of_birth\": \""
                    + date + "\"}", null), 201, "User registered successfully");
            assertThat(data.get("date_of_birth").asText()).isEqualTo(date.strip());
        }
    }

    @Test
    void refusesAnEmailThatIsTakenIgnoringCase() {
        api.user("taken@example.com", "First");
        JsonNode failure = assertFailure(api.post("/auth/register/",
                "{\"email\": \"TAKEN@example.com\", \"password\": \"a good password\", \"fullname\": \"Second\"}", null),
                409, "conflict");
        assertThat(failure.get("errors").get("email").get(0).asText()).contains("already exists");
    }

    @Test
    void logsInWithEmailAndPassword() {
        User user = api.user("login@example.com", "Log In");
        JsonNode data = assertSuccess(api.post("/auth/token/",
                "{\"email\": \"LOGIN@example.com\", \"password\": \"" + PASSWORD + "\"}", null), 200, "Login successful");
        assertThat(names(data)).containsExactly("access", "refresh", "user");
        assertThat(api.tokens.verifyAccess(data.get("access").asText())).isEqualTo(user.id());
        assertThat(api.tokens.verifyRefresh(data.get("refresh").asText())).isEqualTo(user.id());
        assertUser(data.get("user"), api.users.findById(user.id()).orElseThrow());
        assertThat(data.get("user").get("last_login").asText()).matches(TIMESTAMP);

        assertSuccess(api.get("/auth/me/", data.get("access").asText()), 200, null);
    }

    @Test
    void answersEveryFailedLogInWithTheSame401() {
        User user = api.user("known@example.com", "Known");
        api.user("inactive@example.com", "Inactive");
        User inactive = api.users.findByEmail(new EmailAddress("inactive@example.com")).orElseThrow().user();
        api.users.update(inactive.withDetails(inactive.email(), inactive.profile(),
                inactive.status().withActive(false), api.time.now()));

        TestApi.Reply wrongPassword = api.post("/auth/token/",
                "{\"email\": \"known@example.com\", \"password\": \"wrong password\"}", null);
        TestApi.Reply unknownEmail = api.post("/auth/token/",
                "{\"email\": \"nobody@example.com\", \"password\": \"" + PASSWORD + "\"}", null);
        TestApi.Reply inactiveAccount = api.post("/auth/token/",
                "{\"email\": \"inactive@example.com\", \"password\": \"" + PASSWORD + "\"}", null);
        TestApi.Reply nothing = api.post("/auth/token/", "{}", null);
        TestApi.Reply notAnEmail = api.post("/auth/token/", "{\"email\": \"x\", \"password\": \"y\"}", null);

        for (TestApi.Reply reply : new TestApi.Reply[] {wrongPassword, unknownEmail, inactiveAccount, nothing, notAnEmail}) {
            assertFailure(reply, 401, "unauthorized");
            assertThat(reply.body()).isEqualTo(wrongPassword.body());
            assertThat(reply.header("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(wrongPassword.body()).doesNotContain(user.id().toString());
    }

    @Test
    void refreshesTheAccessToken() {
        User user = api.user("refresh@example.com", "Refresh");
        String refresh = api.tokens.issue(user.id()).refresh();
        JsonNode data = assertSuccess(api.post("/auth/token/refresh/",
                "{\"refresh\": \"" + refresh + "\"}", null), 200, null);
        assertThat(names(data)).containsExactly("access");
        assertThat(api.tokens.verifyAccess(data.get("access").asText())).isEqualTo(user.id());
    }

    @Test
    void refusesToRefreshWithAnythingButAValidRefreshToken() {
        User user = api.user("refresh@example.com", "Refresh");
        String access = api.tokens.issueAccess(user.id());
        String refreshOfNobody = api.tokens.issue(UserId.random()).refresh();
        for (String body : new String[] {"{\"refresh\": \"" + access + "\"}", "{\"refresh\": \"junk\"}",
                "{}", "{\"refresh\": \"" + refreshOfNobody + "\"}"}) {
            TestApi.Reply reply = api.post("/auth/token/refresh/", body, null);
            assertFailure(reply, 401, "unauthorized");
            assertThat(reply.header("WWW-Authenticate")).hasValue("Bearer");
        }
    }

    @Test
    void meAnswersTheCaller() {
        User user = api.user("me@example.com", "It Is Me");
        JsonNode data = assertSuccess(api.get("/auth/me/", api.tokenFor(user)), 200, null);
        assertUser(data, user);
        assertSuccess(api.get("/auth/me", api.tokenFor(user)), 200, null);
    }
}
