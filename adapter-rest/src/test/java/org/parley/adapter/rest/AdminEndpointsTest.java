package org.parley.adapter.rest;

import java.net.http.HttpRequest;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;
import static org.parley.adapter.rest.TestApi.assertUser;
import static org.parley.adapter.rest.TestApi.names;

/** {@code PUT /admin/users/<uuid>/} for a backend that owns its users. */
class AdminEndpointsTest {

    private static final String KEY = "s3cret-admin-key-0123456789";

    private TestApi api = TestApi.start(TestApi.settings(Optional.of(KEY)), UnaryOperator.identity());

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createsThenUpdatesAUser() {
        UserId id = UserId.random();
        JsonNode created = assertSuccess(put(id.toString(), KEY, """
                {"email": "backend@example.com", "fullname": "From Backend", "phone_number": "0800",
                 "country_code": "+49", "gender": "male", "date_of_birth": "2001-02-03"}
                """), 201, "User created");
        User stored = api.users.findById(id).orElseThrow();
        assertUser(created, stored);
        assertThat(created.get("id").asText()).isEqualTo(id.toString());
        assertThat(created.get("date_of_birth").asText()).isEqualTo("2001-02-03");
        assertThat(created.get("is_active").booleanValue()).isTrue();

        JsonNode updated = assertSuccess(put(id.toString(), KEY,
                "{\"email\": \"renamed@example.com\", \"fullname\": \"Renamed\", \"is_active\": false}"), 200, "User updated");
        assertUser(updated, api.users.findById(id).orElseThrow());
        assertThat(updated.get("email").asText()).isEqualTo("renamed@example.com");
        assertThat(updated.get("is_active").booleanValue()).isFalse();
        assertThat(updated.get("country_code").asText()).isEmpty();

        assertSuccess(api.send(api.request("/admin/users/" + id, null).header("X-Api-Key", KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"email\": \"renamed@example.com\", \"fullname\": \"R\"}"))),
                200, "User updated");
    }

    @Test
    void refusesAMissingOrWrongKey() {
        String id = UserId.random().toString();
        String body = "{\"email\": \"x@example.com\", \"fullname\": \"X\"}";
        for (TestApi.Reply reply : new TestApi.Reply[] {put(id, null, body), put(id, "wrong", body),
                put(id, KEY + "x", body), put(id, KEY.substring(1), body), put(id, "", body),
                put(id, "wrong", "{ not json"), put("not-a-uuid", "wrong", body)}) {
            assertFailure(reply, 401, "unauthorized");
            assertThat(reply.header("WWW-Authenticate")).hasValue("ApiKey header=\"X-Api-Key\"");
        }
        assertThat(api.users.findById(UserId.parse(id))).isEmpty();
    }

    @Test
    void refusesAMalformedUuidAndInvalidFields() {
        JsonNode badId = assertFailure(put("not-a-uuid", KEY, "{\"email\": \"x@example.com\", \"fullname\": \"X\"}"),
                400, "validation_error");
        assertThat(names(badId.get("errors"))).containsExactly("id");

        JsonNode badFields = assertFailure(put(UserId.random().toString(), KEY, "{\"email\": \"nope\"}"),
                400, "validation_error");
        assertThat(names(badFields.get("errors"))).containsExactlyInAnyOrder("email", "fullname");

        JsonNode badActive = assertFailure(put(UserId.random().toString(), KEY,
                "{\"email\": \"x@example.com\", \"fullname\": \"X\", \"is_active\": \"maybe\"}"), 400, "validation_error");
        assertThat(names(badActive.get("errors"))).containsExactly("is_active");
        assertThat(badActive.get("errors").get("is_active").get(0).asText()).isEqualTo("Expected true or false");
    }

    @Test
    void takesAPasswordHashAndTheSeedsOtherUserFieldsAndTheUserLogsInWithTheOldPassword() {
        UserId id = UserId.random();
        String hash = api.hasher.hash("the password from before").value();
        JsonNode created = assertSuccess(put(id.toString(), KEY, """
                {"email": "moved@example.com", "fullname": "Moved Over", "password": "%s",
                 "profile_photo": "https://cdn.example.com/photos/moved.png", "is_email_verified": true,
                 "is_phone_verified": false, "account_type": "doctor", "date_of_birth": "2025-03-06"}
                """.formatted(hash)), 201, "User created");
        User stored = api.users.findById(id).orElseThrow();
        assertUser(created, stored);
        assertThat(created.get("profile_photo").asText()).isEqualTo("https://cdn.example.com/photos/moved.png");
        assertThat(created.get("is_email_verified").booleanValue()).isTrue();
        assertThat(created.get("is_phone_verified").booleanValue()).isFalse();
        assertThat(created.get("account_type").asText()).isEqualTo("doctor");
        assertThat(created.toString()).doesNotContain(hash);

        assertSuccess(api.post("/auth/token/",
                "{\"email\": \"moved@example.com\", \"password\": \"the password from before\"}", null),
                200, "Login successful");
        assertFailure(api.post("/auth/token/",
                "{\"email\": \"moved@example.com\", \"password\": \"another password\"}", null),
                401, "unauthorized");

        JsonNode updated = assertSuccess(put(id.toString(), KEY,
                "{\"email\": \"moved@example.com\", \"fullname\": \"Moved Over\", \"profile_photo\": "
                        + "\"/media/profile/moved.png\", \"is_phone_verified\": true}"), 200, "User updated");
        assertThat(updated.get("profile_photo").asText()).isEqualTo("/media/profile/moved.png");
        assertThat(updated.get("is_email_verified").booleanValue()).as("kept").isTrue();
        assertThat(updated.get("is_phone_verified").booleanValue()).isTrue();
        assertThat(updated.get("account_type").asText()).as("kept").isEqualTo("doctor");
        assertSuccess(api.post("/auth/token/",
                "{\"email\": \"moved@example.com\", \"password\": \"the password from before\"}", null),
                200, "Login successful");
    }

    @Test
    void refusesAPasswordThatIsNoHashAndAPhotoThatIsNoLink() {
        UserId id = UserId.random();
        for (String password : new String[] {"\"a plaintext password\"", "\"\"", "12345678",
                "\"bcrypt$$2b$12$abcdefghijklmnopqrstuu\""}) {
            JsonNode failure = assertFailure(put(id.toString(), KEY,
                    "{\"email\": \"x@example.com\", \"fullname\": \"X\", \"password\": " + password + "}"),
                    400, "validation_error");
            assertThat(names(failure.get("errors"))).as(password).containsExactly("password");
            assertThat(failure.toString()).doesNotContain("plaintext password");
        }
        for (String photo : new String[] {"ftp://files.example.com/a.png", "javascript:alert(1)", "photo.png",
                "//other.example.com/a.png", "https://", "https://a.example.com/a b.png"}) {
            JsonNode failure = assertFailure(put(id.toString(), KEY,
                    "{\"email\": \"x@example.com\", \"fullname\": \"X\", \"profile_photo\": \"" + photo + "\"}"),
                    400, "validation_error");
            assertThat(failure.get("errors").get("profile_photo").get(0).asText()).as(photo)
                    .isEqualTo("Expected an http(s) URL or a path starting with /");
        }
        JsonNode badFlag = assertFailure(put(id.toString(), KEY,
                "{\"email\": \"x@example.com\", \"fullname\": \"X\", \"is_email_verified\": \"maybe\"}"),
                400, "validation_error");
        assertThat(names(badFlag.get("errors"))).containsExactly("is_email_verified");
        JsonNode blankType = assertFailure(put(id.toString(), KEY,
                "{\"email\": \"x@example.com\", \"fullname\": \"X\", \"account_type\": \" \"}"),
                400, "validation_error");
        assertThat(names(blankType.get("errors"))).containsExactly("account_type");
        assertThat(api.users.findById(id)).isEmpty();
    }

    @Test
    void refusesAnEmailOfAnotherUser() {
        api.user("owner@example.com", "Owner");
        assertFailure(put(UserId.random().toString(), KEY, "{\"email\": \"OWNER@example.com\", \"fullname\": \"X\"}"),
                409, "conflict");
    }

    @Test
    void doesNotExistWithoutAKey() {
        api.close();
        api = TestApi.start();
        String id = UserId.random().toString();
        String body = "{\"email\": \"x@example.com\", \"fullname\": \"X\"}";
        for (String key : new String[] {null, KEY, ""}) {
            JsonNode failure = assertFailure(put(id, key, body), 404, "not_found");
            assertThat(failure.get("message").asText()).isEqualTo("Not found.");
        }
        assertFailure(api.get("/admin/users/" + id + "/", null), 404, "not_found");
        assertThat(api.users.findById(UserId.parse(id))).isEmpty();
    }

    @Test
    void aBlankKeyIsAConfigurationError() {
        assertThatThrownBy(() -> new RestSettings(Optional.of("  "), 1, java.nio.file.Path.of("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(TestApi.settings(Optional.of(KEY)).toString()).doesNotContain(KEY);
    }

    private TestApi.Reply put(String id, String key, String body) {
        HttpRequest.Builder request = api.request("/admin/users/" + id + "/", null)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        return api.send(request);
    }
}
