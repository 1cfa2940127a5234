package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users moving over from Django (contract §17): the admin upsert takes a user's Django password hash, stored as it is,
 * and the seed's remaining user fields; the user then logs in to Parley with the password they had. In cluster mode
 * each request goes to the other node (the upsert through one, the log-in through the other), so what the log-in sees
 * is what the database holds.
 *
 * <p>The hashes were made by Django 5.2.17 itself (the wheel on the build machine, in a virtualenv), with
 * {@code settings.configure(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]); django.setup()}:
 * {@code make_password("Kyrian's old pässword", salt="Zk3QvN8pLr2xYt6WmB1cHd")} (Django 5.2's own count, 1,000,000
 * iterations) and {@code PBKDF2PasswordHasher().encode("tr0ub4dor&3", "seedsalt1234", iterations=20000)} (an older
 * Django's count; the same string as Python's {@code hashlib.pbkdf2_hmac("sha256", password, salt, 20000)} in
 * Base64). Django's {@code check_password} accepts both.
 */
class DjangoUserImportEndToEndTest {

    private static final String DJANGO_5_2_PASSWORD = "Kyrian's old pässword";
    private static final String DJANGO_5_2_HASH =
            "pbkdf2_sha256$1000000$Zk3QvN8pLr2xYt6WmB1cHd$AJvpVtqs54Pc0dDvviGx2CfLlfcgk1S4pWqM4YEwDjI=";
    private static final String OLD_DJANGO_PASSWORD = "tr0ub4dor&3";
    private static final String OLD_DJANGO_HASH =
            "pbkdf2_sha256$20000$seedsalt1234$LyWAQ4seA/4dgDPTFjEJzexJAGa/7dhcjsjL0rirPtI=";
    private static final String HASH_OF_32_BYTES = "LyWAQ4seA/4dgDPTFjEJzexJAGa/7dhcjsjL0rirPtI=";

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private static HttpApi api() {
        return new HttpApi(SERVER.httpBase());
    }

    private static HttpApi.Reply upsert(String id, Map<String, Object> body) {
        return api().put("/admin/users/" + id + "/", body, Map.of("X-Api-Key", RunningParley.ADMIN_API_KEY));
    }

    private static HttpApi.Reply logIn(String email, String password) {
        return api().post("/auth/token/", Map.of("email", email, "password", password), null);
    }

    private static Map<String, Object> user(String email) {
        Map<String, Object> body = new HashMap<>();
        body.put("email", email);
        body.put("fullname", "Kyrian developer");
        return body;
    }

    @Test
    void aUserMovedOverWithTheirDjangoHashLogsInWithTheirOldPasswordAndKeepsTheSeedsFields() {
        String id = UUID.randomUUID().toString();
        String email = "kyrian-" + id + "@example.com";
        Map<String, Object> body = user(email);
        body.put("password", DJANGO_5_2_HASH);
        body.put("profile_photo", "https://cdn.example.com/profile/kyrian.png");
        body.put("is_email_verified", true);
        body.put("is_phone_verified", true);
        body.put("account_type", "vendor");
        body.put("date_of_birth", "2025-03-06");
        body.put("country_code", "+234");
        body.put("phone_number", "9128168542");

        HttpApi.Reply created = upsert(id, body);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.raw()).doesNotContain(DJANGO_5_2_HASH).doesNotContain("password");

        HttpApi.Reply loggedIn = logIn(email.toUpperCase(), DJANGO_5_2_PASSWORD);
        assertThat(loggedIn.status()).as(loggedIn.raw()).isEqualTo(200);
        JsonNode me = api().get("/auth/me/", loggedIn.data().get("access").asText()).data();
        for (JsonNode user : List.of(loggedIn.data().get("user"), me)) {
            assertThat(user.get("id").asText()).isEqualTo(id);
            assertThat(user.get("profile_photo").asText()).isEqualTo("https://cdn.example.com/profile/kyrian.png");
            assertThat(user.get("is_email_verified").booleanValue()).isTrue();
            assertThat(user.get("is_phone_verified").booleanValue()).isTrue();
            assertThat(user.get("account_type").asText()).isEqualTo("vendor");
            assertThat(user.get("date_of_birth").asText()).isEqualTo("2025-03-06");
            assertThat(user.get("country_code").asText()).isEqualTo("+234");
            assertThat(user.has("password")).isFalse();
        }

        HttpApi.Reply wrong = logIn(email, "Kyrian's old password");
        assertThat(wrong.status()).as(wrong.raw()).isEqualTo(401);
        assertThat(wrong.json().get("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void anExistingUsersPasswordIsMovedOverByAnUpdateAndALaterUpdateWithoutOneKeepsIt() {
        String id = UUID.randomUUID().toString();
        String email = "old-" + id + "@example.com";
        assertThat(upsert(id, user(email)).status()).isEqualTo(201);
        assertThat(logIn(email, OLD_DJANGO_PASSWORD).status()).as("no password yet").isEqualTo(401);

        Map<String, Object> withHash = user(email);
        withHash.put("password", OLD_DJANGO_HASH);
        assertThat(upsert(id, withHash).status()).isEqualTo(200);
        assertThat(logIn(email, OLD_DJANGO_PASSWORD).status()).isEqualTo(200);

        Map<String, Object> renamed = user(email);
        renamed.put("fullname", "Renamed");
        renamed.put("is_email_verified", true);
        assertThat(upsert(id, renamed).status()).isEqualTo(200);
        HttpApi.Reply again = logIn(email, OLD_DJANGO_PASSWORD);
        assertThat(again.status()).as("the password is kept").isEqualTo(200);
        assertThat(again.data().get("user").get("fullname").asText()).isEqualTo("Renamed");
        assertThat(again.data().get("user").get("is_email_verified").booleanValue()).isTrue();
        assertThat(logIn(email, "tr0ub4dor&4").status()).isEqualTo(401);
    }

    @Test
    void aPasswordThatIsNotADjangoPbkdf2HashIsRefusedWith400AndChangesNothing() {
        String id = UUID.randomUUID().toString();
        String email = "refused-" + id + "@example.com";
        List<String> refused = List.of(
                OLD_DJANGO_PASSWORD,                                                   // a plaintext password
                "",
                "bcrypt$$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                "bcrypt_sha256$$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "scrypt$16384$salt$8$1$" + HASH_OF_32_BYTES,
                "pbkdf2_sha1$260000$seedsalt1234$" + HASH_OF_32_BYTES,
                "pbkdf2_sha256$20000$seedsalt1234",                                    // too few parts
                "pbkdf2_sha256$20000$seedsalt1234$" + HASH_OF_32_BYTES + "$extra",     // too many
                "pbkdf2_sha256$twenty$seedsalt1234$" + HASH_OF_32_BYTES,               // not a number
                "pbkdf2_sha256$-20000$seedsalt1234$" + HASH_OF_32_BYTES,
                "pbkdf2_sha256$0$seedsalt1234$" + HASH_OF_32_BYTES,
                "pbkdf2_sha256$10000001$seedsalt1234$" + HASH_OF_32_BYTES,             // above the cap
                "pbkdf2_sha256$2147483648$seedsalt1234$" + HASH_OF_32_BYTES,
                "pbkdf2_sha256$20000$$" + HASH_OF_32_BYTES,                            // no salt
                "pbkdf2_sha256$20000$seedsalt1234$c2hvcnQ=",                           // not 32 bytes
                "pbkdf2_sha256$20000$seedsalt1234$not base64!",
                // The right hash of OLD_DJANGO_PASSWORD without its padding: Django never writes (or verifies) it.
                OLD_DJANGO_HASH.substring(0, OLD_DJANGO_HASH.length() - 1));
        for (String password : refused) {
            Map<String, Object> body = user(email);
            body.put("password", password);
            HttpApi.Reply reply = upsert(id, body);
            assertThat(reply.status()).as(password + ": " + reply.raw()).isEqualTo(400);
            assertThat(reply.json().get("code").asText()).isEqualTo("validation_error");
            assertThat(reply.json().get("errors").get("password").get(0).asText()).isNotBlank();
            assertThat(reply.raw()).doesNotContain(OLD_DJANGO_PASSWORD);
        }
        assertThat(upsert(id, user(email)).status()).as("nothing was created before").isEqualTo(201);

        Map<String, Object> withHash = user(email);
        withHash.put("password", OLD_DJANGO_HASH);
        assertThat(upsert(id, withHash).status()).isEqualTo(200);
        Map<String, Object> bcrypt = user(email);
        bcrypt.put("password", refused.get(2));
        bcrypt.put("fullname", "Changed");
        assertThat(upsert(id, bcrypt).status()).isEqualTo(400);
        HttpApi.Reply loggedIn = logIn(email, OLD_DJANGO_PASSWORD);
        assertThat(loggedIn.status()).as("a refused update changes nothing").isEqualTo(200);
        assertThat(loggedIn.data().get("user").get("fullname").asText()).isEqualTo("Kyrian developer");
    }
}
