package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;

/** Creates users the ways clients do (register + log in, or a trusted backend's upsert) and mints tokens. */
public final class People {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** A registered, logged-in user. */
    public record Person(String id, String email, String password, String access, String refresh) {
    }

    private final HttpApi api;

    public People(HttpApi api) {
        this.api = api;
    }

    public Person register(String fullname) {
        String email = "user" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "correct horse battery staple";
        Map<String, Object> body = new HashMap<>();
        body.put("email", email);
        body.put("password", password);
        body.put("fullname", fullname);
        body.put("phone_number", "9128168542");
        body.put("country_code", "+234");
        HttpApi.Reply registered = api.post("/auth/register/", body, null);
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        HttpApi.Reply token = api.post("/auth/token/", Map.of("email", email, "password", password), null);
        assertThat(token.status()).as(token.raw()).isEqualTo(200);
        return new Person(registered.data().get("id").asText(), email, password,
                token.data().get("access").asText(), token.data().get("refresh").asText());
    }

    /** Creates (or updates) a user through the admin API, as a backend that owns its users would. */
    public String upsertFromBackend(String id, String email, String fullname, boolean active) {
        Map<String, Object> body = new HashMap<>();
        body.put("email", email);
        body.put("fullname", fullname);
        body.put("is_active", active);
        HttpApi.Reply reply = api.put("/admin/users/" + id + "/", body, Map.of("X-Api-Key", RunningParley.ADMIN_API_KEY));
        assertThat(reply.status()).as(reply.raw()).isIn(200, 201);
        return id;
    }

    /** A token minted the way djangorestframework-simplejwt does, with the shared secret. */
    public static String mint(String userId, String tokenType, Instant expiresAt, String secret) {
        return JWT.create()
                .withClaim("token_type", tokenType)
                .withClaim("user_id", userId)
                .withClaim("jti", UUID.randomUUID().toString().replace("-", ""))
                .withIssuedAt(Date.from(Instant.now().minusSeconds(5)))
                .withExpiresAt(Date.from(expiresAt))
                .sign(Algorithm.HMAC256(secret));
    }

    public static String mintAccess(String userId) {
        return mint(userId, "access", Instant.now().plusSeconds(600), RunningParley.JWT_SECRET);
    }
}
