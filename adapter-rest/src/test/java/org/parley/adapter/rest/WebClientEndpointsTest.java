package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;

import java.net.http.HttpRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/** The web client's files at {@code /} and {@code /web/}: types, security and caching headers, and nothing else. */
class WebClientEndpointsTest {

    private final TestApi api = TestApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void servesThePageAtTheRootWithAStrictPolicy() {
        TestApi.Reply page = api.get("/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(page.body()).startsWith("<!doctype html>").contains("<script type=\"module\" src=\"/web/app.js\">");
        assertSecured(page);
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe", "http:", "https:"));
    }

    @Test
    void servesEveryFileOfTheClientWithItsType() {
        for (String name : WebClientResource.FILES) {
            if (name.equals("index.html")) {
                continue;
            }
            TestApi.Reply file = api.get("/web/" + name, null);
            assertThat(file.status()).as(name).isEqualTo(200);
            assertThat(file.body()).as(name).isNotBlank();
            assertSecured(file);
        }
        assertThat(api.get("/web/app.js", null).header("Content-Type")).hasValue("text/javascript;charset=utf-8");
        assertThat(api.get("/web/style.css", null).header("Content-Type")).hasValue("text/css;charset=utf-8");
        assertThat(api.get("/web/icon.svg", null).header("Content-Type")).hasValue("image/svg+xml");
    }

    @Test
    void everyImportOfTheModulesIsServed() {
        for (String name : WebClientResource.FILES) {
            String body = api.get(name.equals("index.html") ? "/" : "/web/" + name, null).body();
            java.util.regex.Matcher imports = java.util.regex.Pattern
                    .compile("(?:from|src=|href=)\\s*['\"](\\.?/(?:web/)?)?([a-z-]+\\.(?:js|css|svg))['\"]").matcher(body);
            while (imports.find()) {
                assertThat(WebClientResource.FILES).as("%s loads %s", name, imports.group(2)).contains(imports.group(2));
            }
        }
    }

    @Test
    void anUnchangedFileIsNotModified() {
        TestApi.Reply first = api.get("/web/app.js", null);
        String etag = first.header("ETag").orElseThrow();
        TestApi.Reply again = api.send(api.request("/web/app.js", null).header("If-None-Match", etag).GET());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).hasValue(etag);
        TestApi.Reply changed = api.send(api.request("/web/app.js", null).header("If-None-Match", "\"other\"").GET());
        assertThat(changed.status()).isEqualTo(200);
    }

    @Test
    void anythingElseIsTheUsualNotFoundEnvelope() {
        for (String path : new String[] {"/web/", "/web/nope.js", "/web/index.html", "/web/../pom.xml",
                "/web/%2e%2e%2fRestApi.class", "/web/app.js/x", "/index.html", "/no/such/route/", "/chat/"}) {
            assertFailure(api.get(path, null), 404, "not_found");
        }
        assertFailure(api.post("/", "{}", null), 405, "method_not_allowed");
    }

    @Test
    void theApiBesideItIsUnchanged() {
        User user = api.user("web@example.com", "Web");
        assertSuccess(api.get("/auth/me/", api.tokenFor(user)), 200, null);
        assertFailure(api.get("/auth/me/", null), 401, "unauthorized");
        assertThat(api.send(api.request("/", null).method("HEAD", HttpRequest.BodyPublishers.noBody())).status())
                .isEqualTo(200);
    }

    private static void assertSecured(TestApi.Reply reply) {
        assertThat(reply.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(reply.header("Content-Security-Policy")).hasValue(WebClientResource.CONTENT_SECURITY_POLICY);
        assertThat(reply.header("Cache-Control")).hasValue("no-cache");
        assertThat(reply.header("ETag")).isPresent();
        assertThat(reply.header("Referrer-Policy")).hasValue("no-referrer");
    }
}
