package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hostile client against the REST API's authentication through real HTTP on a real server, with tokens the server
 * has already checked (so remembered by JwtTokens) and tokens it has never seen: every bad token, on every
 * authenticated endpoint, gets the one 401 answer (status, {@code WWW-Authenticate: Bearer} and envelope) whatever
 * went wrong; the admin API keeps its own key; and many requests of different users in parallel each see their own
 * caller. The answers are also written to {@code target/hostile-tokens-answers.txt}, so a run on another branch can be
 * compared line by line.
 */
class HostileTokensEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private static final String OTHER_SECRET = "a-secret-this-server-never-had-long-enough-0123456789";

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);

    @Test
    void everyBadTokenOnEveryAuthenticatedEndpointGetsTheSame401AsBefore() throws Exception {
        String alice = people.upsertFromBackend(UUID.randomUUID().toString(), "alice-" + UUID.randomUUID()
                + "@backend.example", "Alice", true);
        People.Person bob = people.register("Bob");
        String carol = people.upsertFromBackend(UUID.randomUUID().toString(), "carol-" + UUID.randomUUID()
                + "@backend.example", "Carol", true);

        // Tokens the server checks successfully first, so its memo holds them, then refuses.
        String expiringSoon = People.mint(alice, "access", Instant.now().plusSeconds(2), RunningParley.JWT_SECRET);
        assertThat(api.get("/auth/me/", expiringSoon).status()).isEqualTo(200);
        HttpApi.Reply refreshed = api.post("/auth/token/refresh/", Map.of("refresh", bob.refresh()), null);
        assertThat(refreshed.status()).as(refreshed.raw()).isEqualTo(200);
        String carolsToken = People.mintAccess(carol);
        assertThat(api.get("/auth/me/", carolsToken).status()).isEqualTo(200);
        people.upsertFromBackend(carol, "carol-deactivated-" + UUID.randomUUID() + "@backend.example", "Carol", false);
        long exp = JWT.decode(expiringSoon).getExpiresAtAsInstant().getEpochSecond();
        while (Instant.now().getEpochSecond() < exp) {
            Thread.sleep(50);
        }

        String[] good = People.mintAccess(alice).split("\\.");
        Map<String, String> authorizations = new LinkedHashMap<>();
        authorizations.put("missing", null);
        authorizations.put("empty bearer", "Bearer ");
        authorizations.put("basic scheme", "Basic YWxpY2U6c2VjcmV0");
        authorizations.put("malformed", "Bearer not.a.jwt");
        authorizations.put("two parts", "Bearer " + good[0] + "." + good[1]);
        authorizations.put("bad signature", "Bearer " + People.mint(alice, "access", Instant.now().plusSeconds(600),
                OTHER_SECRET));
        authorizations.put("alg none", "Bearer " + good[0].replace(good[0], base64Url("{\"alg\":\"none\"}")) + "."
                + good[1] + ".");
        authorizations.put("expired a second ago, remembered", "Bearer " + expiringSoon);
        authorizations.put("expired long ago, never seen", "Bearer " + People.mint(alice, "access",
                Instant.now().minusSeconds(3600), RunningParley.JWT_SECRET));
        authorizations.put("refresh as access, remembered", "Bearer " + bob.refresh());
        authorizations.put("refresh as access, never seen", "Bearer " + People.mint(alice, "refresh",
                Instant.now().plusSeconds(600), RunningParley.JWT_SECRET));
        authorizations.put("unknown user", "Bearer " + People.mintAccess(UUID.randomUUID().toString()));
        authorizations.put("deactivated, remembered", "Bearer " + carolsToken);
        authorizations.put("deactivated, never seen", "Bearer " + People.mintAccess(carol));

        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        endpoints.put("GET /auth/me/", new Endpoint("GET", "/auth/me/", null, null));
        endpoints.put("GET messages", new Endpoint("GET", "/chat/messages/" + bob.id() + "/", null, null));
        endpoints.put("GET thread files", new Endpoint("GET", "/chat/thread/files/1/", null, null));
        endpoints.put("POST attachment", new Endpoint("POST", "/chat/attachment/", "multipart/form-data; boundary=x",
                "--x--\r\n"));
        endpoints.put("GET threads", new Endpoint("GET", "/chat/user/threads/", null, null));
        endpoints.put("POST seen", new Endpoint("POST", "/chat/thread/1/seen/", "application/json",
                "{\"message_id\":1}"));
        endpoints.put("PATCH message", new Endpoint("PATCH", "/chat/message/1/", "application/json",
                "{\"message_body\":\"x\"}"));
        endpoints.put("DELETE message", new Endpoint("DELETE", "/chat/message/1/", null, null));
        endpoints.put("GET presence", new Endpoint("GET", "/chat/presence/?ids=" + bob.id(), null, null));

        List<String> lines = new ArrayList<>();
        Set<String> tokenRefusals = new TreeSet<>();
        Set<String> missingRefusals = new TreeSet<>();
        for (int round = 0; round < 2; round++) {
            for (var authorization : authorizations.entrySet()) {
                for (var endpoint : endpoints.entrySet()) {
                    HttpApi.Reply reply = api.send(endpoint.getValue().request(api, authorization.getValue()));
                    String answer = reply.status() + " WWW-Authenticate=" + reply.header("WWW-Authenticate") + " "
                            + reply.json();
                    lines.add(authorization.getKey() + " | " + endpoint.getKey() + " | " + answer);
                    assertThat(reply.status()).as("%s on %s: %s", authorization.getKey(), endpoint.getKey(),
                            reply.raw()).isEqualTo(401);
                    assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer");
                    (authorization.getKey().equals("missing") ? missingRefusals : tokenRefusals).add(answer);
                }
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "hostile-tokens-answers.txt"), lines);
        assertThat(missingRefusals).containsExactly("401 WWW-Authenticate=Bearer "
                + "{\"status\":\"failure\",\"entity\":null,"
                + "\"message\":\"Authentication credentials were not provided.\","
                + "\"success\":false,\"code\":\"unauthorized\"}");
        assertThat(tokenRefusals).as("one answer for every kind of bad token").hasSize(1);
        assertThat(tokenRefusals.iterator().next()).isEqualTo("401 WWW-Authenticate=Bearer "
                + "{\"status\":\"failure\",\"entity\":null,\"message\":\"Given token not valid for any token type\","
                + "\"success\":false,\"code\":\"unauthorized\"}");

        // Every bad token is refused at the websocket handshake too, in the Authorization header and in ?token=.
        List<String> handshakes = new ArrayList<>();
        for (var authorization : authorizations.entrySet()) {
            if (authorization.getValue() == null) {
                continue;
            }
            List<java.net.URI> uris = new ArrayList<>();
            uris.add(java.net.URI.create(SERVER.wsBase() + "/ws/chat/room/"));
            String header = authorization.getValue();
            if (header.startsWith("Bearer ") && !header.substring(7).isBlank()) {
                uris.add(java.net.URI.create(SERVER.wsBase() + "/ws/chat/room/?token=" + header.substring(7)));
            }
            for (java.net.URI uri : uris) {
                String how = uri.getQuery() == null ? "header" : "query";
                assertThatThrownBy(() -> ChatSocket.connect(uri, how.equals("header") ? header : null).close())
                        .as("%s in the %s", authorization.getKey(), how)
                        .isInstanceOfSatisfying(ChatSocket.HandshakeRefused.class, refused -> {
                            handshakes.add(authorization.getKey() + " | " + how + " | " + refused.status());
                            assertThat(refused.status()).isEqualTo(401);
                        });
            }
        }
        Files.write(Path.of("target", "hostile-handshake-answers.txt"), handshakes);
        assertThat(api.get("/auth/me/", People.mintAccess(alice)).data().get("id").asText()).isEqualTo(alice);
    }

    @Test
    void everyBadRefreshTokenGetsTheSame401AsBeforeWhetherTheServerRememberedItOrNot() throws Exception {
        People.Person bob = people.register("Bob");
        String carol = people.upsertFromBackend(UUID.randomUUID().toString(), "carol-" + UUID.randomUUID()
                + "@backend.example", "Carol", true);
        String expiringSoon = People.mint(bob.id(), "refresh", Instant.now().plusSeconds(2), RunningParley.JWT_SECRET);
        String carolsRefresh = People.mint(carol, "refresh", Instant.now().plusSeconds(600), RunningParley.JWT_SECRET);
        for (String refresh : List.of(expiringSoon, carolsRefresh)) {
            HttpApi.Reply refreshed = api.post("/auth/token/refresh/", Map.of("refresh", refresh), null);
            assertThat(refreshed.status()).as(refreshed.raw()).isEqualTo(200);
        }
        assertThat(api.get("/auth/me/", bob.access()).status()).isEqualTo(200);
        people.upsertFromBackend(carol, "carol-deactivated-" + UUID.randomUUID() + "@backend.example", "Carol", false);
        long exp = JWT.decode(expiringSoon).getExpiresAtAsInstant().getEpochSecond();
        while (Instant.now().getEpochSecond() < exp) {
            Thread.sleep(50);
        }

        Map<String, Object> bodies = new LinkedHashMap<>();
        bodies.put("access as refresh, remembered", Map.of("refresh", bob.access()));
        bodies.put("access as refresh, never seen", Map.of("refresh", People.mintAccess(bob.id())));
        bodies.put("expired a second ago, remembered", Map.of("refresh", expiringSoon));
        bodies.put("bad signature", Map.of("refresh", People.mint(bob.id(), "refresh", Instant.now().plusSeconds(600),
                OTHER_SECRET)));
        bodies.put("malformed", Map.of("refresh", "not.a.jwt"));
        bodies.put("unknown user", Map.of("refresh", People.mint(UUID.randomUUID().toString(), "refresh",
                Instant.now().plusSeconds(600), RunningParley.JWT_SECRET)));
        bodies.put("deactivated, remembered", Map.of("refresh", carolsRefresh));
        List<String> lines = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (var body : bodies.entrySet()) {
                HttpApi.Reply reply = api.post("/auth/token/refresh/", body.getValue(), null);
                lines.add(body.getKey() + " | " + reply.status() + " WWW-Authenticate="
                        + reply.header("WWW-Authenticate") + " " + reply.json());
                assertThat(reply.status()).as("%s: %s", body.getKey(), reply.raw()).isEqualTo(401);
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "hostile-refresh-answers.txt"), lines);
        assertThat(lines.stream().map(line -> line.substring(line.indexOf(" | ") + 3)).distinct().toList())
                .containsExactly("401 WWW-Authenticate=Bearer {\"status\":\"failure\",\"entity\":null,"
                        + "\"message\":\"Given token not valid for any token type\",\"success\":false,"
                        + "\"code\":\"unauthorized\"}");
    }

    @Test
    void theAdminApiKeepsItsOwnKeyWhateverBearerTokenComesWithIt() {
        People.Person bob = people.register("Bob");
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("email", id + "@backend.example", "fullname", "Dave", "is_active", true);

        HttpApi.Reply withTokenOnly = api.send(api.request("/admin/users/" + id + "/", bob.access())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + id + "@backend.example\","
                        + "\"fullname\":\"Dave\",\"is_active\":true}")));
        HttpApi.Reply withWrongKey = api.put("/admin/users/" + id + "/", body,
                Map.of("X-Api-Key", "not-the-key", "Authorization", "Bearer " + bob.access()));
        HttpApi.Reply withNothing = api.put("/admin/users/" + id + "/", body, Map.of());

        for (HttpApi.Reply refused : List.of(withTokenOnly, withWrongKey, withNothing)) {
            assertThat(refused.status()).as(refused.raw()).isIn(401, 403);
            assertThat(refused.raw()).isEqualTo(withNothing.raw());
            assertThat(refused.status()).isEqualTo(withNothing.status());
        }
        assertThat(api.put("/admin/users/" + id + "/", body, Map.of("X-Api-Key", RunningParley.ADMIN_API_KEY))
                .status()).isEqualTo(201);
        assertThat(api.get("/auth/me/", People.mintAccess(id)).data().get("id").asText()).isEqualTo(id);
    }

    @Test
    void manyUsersInParallelEachSeeTheirOwnCallerOverHttp11AndHttp2() throws Exception {
        int users = 8;
        List<String> ids = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String id = people.upsertFromBackend(UUID.randomUUID().toString(), "u" + i + "-" + UUID.randomUUID()
                    + "@backend.example", "User " + i, true);
            String peer = people.upsertFromBackend(UUID.randomUUID().toString(), "p" + i + "-" + UUID.randomUUID()
                    + "@backend.example", "Peer " + i, true);
            ids.add(id);
            peers.add(peer);
            tokens.add(People.mintAccess(id));
            try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), tokens.get(i))) {
                socket.send(Frames.text(peer, "hello " + i));
                assertThat(socket.next().get("action").asText()).isEqualTo("conf_message");
            }
        }
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpApi shared = new HttpApi(SERVER.httpBase(), version);
            ExecutorService pool = Executors.newFixedThreadPool(users);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int i = 0; i < users; i++) {
                    int me = i;
                    results.add(pool.submit(() -> {
                        List<String> wrong = new ArrayList<>();
                        for (int request = 0; request < 25; request++) {
                            HttpApi.Reply who = shared.get("/auth/me/", tokens.get(me));
                            if (!ids.get(me).equals(who.data().get("id").asText())) {
                                wrong.add("me: " + who.raw());
                            }
                            JsonNode threads = shared.get("/chat/user/threads/", tokens.get(me)).data();
                            if (threads.size() != 1
                                    || !peers.get(me).equals(threads.get(0).get("other_user").get("id").asText())) {
                                wrong.add("threads: " + threads);
                            }
                            JsonNode messages = shared.get("/chat/messages/" + peers.get(me) + "/", tokens.get(me))
                                    .data();
                            if (!messages.toString().contains("hello " + me + "\"")) {
                                wrong.add("messages: " + messages);
                            }
                            if (request % 5 == 0) {
                                HttpApi.Reply refused = shared.get("/auth/me/", null);
                                if (refused.status() != 401) {
                                    wrong.add("unauthenticated: " + refused.raw());
                                }
                            }
                        }
                        return wrong;
                    }));
                }
                for (Future<List<String>> result : results) {
                    assertThat(result.get(120, TimeUnit.SECONDS)).as(version.toString()).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private record Endpoint(String method, String path, String type, String body) {
        HttpRequest.Builder request(HttpApi api, String authorization) {
            HttpRequest.Builder builder = api.request(path, null);
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            if (type != null) {
                builder.header("Content-Type", type);
            }
            return builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
        }
    }

    private static String base64Url(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
