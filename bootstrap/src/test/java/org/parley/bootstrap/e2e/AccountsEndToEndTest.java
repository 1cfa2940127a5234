package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/** Accounts per contract §5: register, log in, refresh, me, and the trusted backend's upsert. */
class AccountsEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);

    @Test
    void registerLogInRefreshAndMe() {
        Person alice = people.register("Alice Example");

        JsonNode me = api.get("/auth/me/", alice.access()).data();
        assertThat(me.get("id").asText()).isEqualTo(alice.id());
        assertThat(me.get("email").asText()).isEqualTo(alice.email());
        assertThat(me.get("fullname").asText()).isEqualTo("Alice Example");
        assertThat(me.get("is_active").asBoolean()).isTrue();
        assertThat(me.get("last_login").asText()).matches(Frames.REST_TIMESTAMP);
        assertThat(me.get("created_at").asText()).matches(Frames.REST_TIMESTAMP);

        HttpApi.Reply refreshed = api.post("/auth/token/refresh/", Map.of("refresh", alice.refresh()), null);
        assertThat(refreshed.status()).isEqualTo(200);
        String newAccess = refreshed.data().get("access").asText();
        assertThat(api.get("/auth/me/", newAccess).status()).isEqualTo(200);
    }

    @Test
    void anAccessTokenIsNoRefreshToken() {
        Person alice = people.register("Alice");
        HttpApi.Reply reply = api.post("/auth/token/refresh/", Map.of("refresh", alice.access()), null);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(api.get("/auth/me/", alice.refresh()).status()).isEqualTo(401);
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailAnswerIdentically() {
        Person alice = people.register("Alice");
        HttpApi.Reply wrongPassword = api.post("/auth/token/", Map.of("email", alice.email(), "password", "wrong password!"), null);
        HttpApi.Reply unknownEmail = api.post("/auth/token/", Map.of("email", "nobody@example.com", "password", "wrong password!"), null);
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.raw()).isEqualTo(unknownEmail.raw());
    }

    @Test
    void emailsAreUniqueIgnoringCase() {
        Person alice = people.register("Alice");
        HttpApi.Reply again = api.post("/auth/register/",
                Map.of("email", alice.email().toUpperCase(), "password", "another good one", "fullname", "Copy"), null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("status").asText()).isEqualTo("failure");
        HttpApi.Reply login = api.post("/auth/token/", Map.of("email", alice.email().toUpperCase(), "password", alice.password()), null);
        assertThat(login.status()).isEqualTo(200);
    }

    @Test
    void registrationValidatesEveryField() {
        HttpApi.Reply reply = api.post("/auth/register/", Map.of("email", "not-an-email", "password", "short"), null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("code").asText()).isEqualTo("validation_error");
        assertThat(Frames.keys(reply.json().get("errors"))).contains("email", "password", "fullname");
    }

    @Test
    void malformedJsonIsRefusedClearly() {
        HttpApi.Reply reply = api.post("/auth/register/", "{\"email\": ", null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void aBackendCreatesAUserWhoChatsWithABackendMintedToken() {
        String id = UUID.randomUUID().toString();
        HttpApi.Reply created = api.put("/admin/users/" + id + "/",
                Map.of("email", id + "@backend.example", "fullname", "From Backend"),
                Map.of("X-Api-Key", RunningParley.ADMIN_API_KEY));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.data().get("id").asText()).isEqualTo(id);

        HttpApi.Reply updated = api.put("/admin/users/" + id + "/",
                Map.of("email", id + "@backend.example", "fullname", "Renamed"),
                Map.of("X-Api-Key", RunningParley.ADMIN_API_KEY));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.data().get("fullname").asText()).isEqualTo("Renamed");

        Person bob = people.register("Bob");
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), People.mintAccess(id))) {
            socket.send(Frames.text(bob.id(), "hello from the backend's user"));
            assertThat(socket.next().get("action").asText()).isEqualTo("conf_message");
        }
        JsonNode threads = api.get("/chat/user/threads/", bob.access()).data();
        assertThat(threads.get(0).get("other_user").get("fullname").asText()).isEqualTo("Renamed");
    }

    @Test
    void theAdminApiNeedsTheKey() {
        String id = UUID.randomUUID().toString();
        HttpApi.Reply noKey = api.put("/admin/users/" + id + "/", Map.of("email", id + "@x.example", "fullname", "X"), Map.of());
        HttpApi.Reply wrongKey = api.put("/admin/users/" + id + "/", Map.of("email", id + "@x.example", "fullname", "X"),
                Map.of("X-Api-Key", "wrong-key-wrong-key"));
        assertThat(noKey.status()).isIn(401, 403);
        assertThat(wrongKey.status()).isIn(401, 403);
        assertThat(noKey.json().get("status").asText()).isEqualTo("failure");
    }

    @Test
    void unknownRoutesAnswerWithTheFailureEnvelope() {
        HttpApi.Reply reply = api.get("/no/such/route/", null);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("status").asText()).isEqualTo("failure");
        assertThat(reply.json().get("success").asBoolean()).isFalse();
    }
}
