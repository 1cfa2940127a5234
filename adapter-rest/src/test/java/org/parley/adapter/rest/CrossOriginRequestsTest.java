package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/** Contract §16: CORS for the allowed origins only, with a real HTTP client against the running API. */
class CrossOriginRequestsTest {

    private static final String APP = "https://app.example.com";

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithTheCorsHeaders() {
        try (TestApi api = withOrigins(Set.of(APP, "http://localhost:3000"))) {
            TestApi.Reply reply = api.send(api.request("/chat/user/threads/", null)
                    .header("Origin", APP)
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

            assertThat(reply.status()).as("answered before authentication").isEqualTo(204);
            assertThat(reply.header("Access-Control-Allow-Origin")).hasValue(APP);
            assertThat(reply.header("Access-Control-Allow-Methods")).hasValueSatisfying(methods ->
                    assertThat(methods.split(",\\s*")).contains("GET", "POST", "PUT", "OPTIONS"));
            assertThat(reply.header("Access-Control-Allow-Headers")).hasValue("Authorization, Content-Type");
            assertThat(reply.header("Vary")).hasValueSatisfying(vary -> assertThat(vary).contains("Origin"));
            assertThat(reply.header("Access-Control-Allow-Credentials")).isEmpty();
        }
    }

    @Test
    void requestsFromAnAllowedOriginCarryTheHeadersWhetherTheySucceedOrFail() {
        try (TestApi api = withOrigins(Set.of(APP))) {
            User kyrian = api.user("kyrian@example.com", "Kyrian");
            String token = api.tokenFor(kyrian);

            TestApi.Reply ok = api.send(api.request("/chat/user/threads/", token).header("Origin", APP).GET());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("Access-Control-Allow-Origin")).hasValue(APP);
            assertThat(ok.header("Access-Control-Allow-Headers")).hasValue("Authorization, Content-Type");
            assertThat(ok.header("Vary")).hasValueSatisfying(vary -> assertThat(vary).contains("Origin"));

            TestApi.Reply refused = api.send(api.request("/chat/user/threads/", null).header("Origin", APP).GET());
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("Access-Control-Allow-Origin"))
                    .as("a browser page can read why it failed").hasValue(APP);
        }
    }

    @Test
    void otherOriginsGetNoCorsHeaders() {
        try (TestApi api = withOrigins(Set.of(APP))) {
            User kyrian = api.user("kyrian@example.com", "Kyrian");
            String token = api.tokenFor(kyrian);
            for (String origin : new String[] {"https://evil.example", "null", "http://app.example.com",
                    "https://app.example.com.evil.example"}) {
                TestApi.Reply preflight = api.send(api.request("/chat/user/threads/", null)
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", "GET")
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
                assertThat(corsHeaders(preflight)).as(origin).isEmpty();

                TestApi.Reply request = api.send(api.request("/chat/user/threads/", token).header("Origin", origin).GET());
                assertThat(request.status()).as("the request itself is served: CORS is for browsers")
                        .isEqualTo(200);
                assertThat(corsHeaders(request)).as(origin).isEmpty();
            }
        }
    }

    @Test
    void withoutAllowedOriginsNobodyGetsCorsHeaders() {
        try (TestApi api = TestApi.start()) {
            User kyrian = api.user("kyrian@example.com", "Kyrian");
            TestApi.Reply preflight = api.send(api.request("/chat/user/threads/", null)
                    .header("Origin", APP)
                    .header("Access-Control-Request-Method", "GET")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(corsHeaders(preflight)).isEmpty();
            TestApi.Reply request = api.send(api.request("/chat/user/threads/", api.tokenFor(kyrian))
                    .header("Origin", APP).GET());
            assertThat(request.status()).isEqualTo(200);
            assertThat(corsHeaders(request)).isEmpty();
            assertThat(request.header("Vary")).isEmpty();
        }
    }

    private static TestApi withOrigins(Set<String> origins) {
        return TestApi.start(TestApi.settings(Optional.empty()).withAllowedOrigins(origins), UnaryOperator.identity());
    }

    private static Map<String, ?> corsHeaders(TestApi.Reply reply) {
        return reply.headers().entrySet().stream()
                .filter(entry -> entry.getKey().toLowerCase().startsWith("access-control-"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
