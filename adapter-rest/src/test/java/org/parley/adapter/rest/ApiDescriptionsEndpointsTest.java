package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} and {@code GET /asyncapi.json}: served without a token as JSON, cacheable with an ETag.
 * (That they are valid documents and describe every answer and frame the server gives is bootstrap's
 * {@code ApiDescriptionsTest} and the end-to-end suite's business.)
 */
class ApiDescriptionsEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestApi api = TestApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void servesBothDocumentsWithoutATokenAsCacheableJson() throws Exception {
        for (String[] document : new String[][] {{"/openapi.json", "openapi", "3.1.0"},
                {"/asyncapi.json", "asyncapi", "3.0.0"}}) {
            TestApi.Reply reply = api.get(document[0], null);
            assertThat(reply.status()).as(document[0]).isEqualTo(200);
            assertThat(reply.header("Content-Type")).as(document[0]).hasValue("application/json");
            assertThat(reply.header("Cache-Control")).as(document[0]).hasValue("no-cache");
            assertThat(reply.header("X-Content-Type-Options")).hasValue("nosniff");
            JsonNode json = JSON.readTree(reply.body());
            assertThat(json.path(document[1]).asText()).isEqualTo(document[2]);

            String etag = reply.header("ETag").orElseThrow();
            TestApi.Reply again = api.send(api.request(document[0], null).header("If-None-Match", etag).GET());
            assertThat(again.status()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
        }
    }

    @Test
    void aTokenIsNotNeededButDoesNoHarm() {
        assertThat(api.get("/openapi.json", "not-a-token").status()).isEqualTo(200);
        assertThat(api.get("/asyncapi.json/", null).status()).isEqualTo(200);
    }
}
