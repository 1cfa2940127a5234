package org.parley.bootstrap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/**
 * The errors Grizzly answers itself are the failure envelope, never Grizzly's HTML page with a stack trace: a handler
 * that throws, a handler that sends an error, and a Jersey resource whose exception no mapper takes.
 */
class JsonErrorPagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aHandlerThatThrowsGetsTheEnvelopeWithoutATrace() throws Exception {
        HttpHandler throwing = new HttpHandler() {
            @Override
            public void service(Request request, Response response) {
                throw new IllegalStateException("secret internals at org.parley.Somewhere");
            }
        };
        try (BareGrizzly grizzly = new BareGrizzly(throwing)) {
            assertEnvelope(get(grizzly.port, "/"), 500, "internal_error");
        }
    }

    @Test
    void aSentErrorGetsTheEnvelope() throws Exception {
        HttpHandler sendingErrors = new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                response.sendError(Integer.parseInt(request.getParameter("status")));
            }
        };
        try (BareGrizzly grizzly = new BareGrizzly(sendingErrors)) {
            assertEnvelope(get(grizzly.port, "/?status=500"), 500, "internal_error");
            assertEnvelope(get(grizzly.port, "/?status=405"), 405, "method_not_allowed");
            assertEnvelope(get(grizzly.port, "/?status=413"), 413, "too_large");
        }
    }

    /** A resource whose failure no exception mapper takes. */
    @Path("/fails")
    public static final class FailingResource {
        @GET
        public String fail() {
            throw new IllegalStateException("secret internals at org.parley.Somewhere");
        }
    }

    @Test
    void aJerseyFailurePastItsMappersGetsTheEnvelope() throws Exception {
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"),
                new ResourceConfig(FailingResource.class), false);
        ServerLevelHttp.installOn(server);
        server.start();
        try {
            assertEnvelope(get(server.getListener("grizzly").getPort(), "/fails"), 500, "internal_error");
        } finally {
            server.shutdownNow();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertEnvelope(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).doesNotContain("<html", "Exception", "secret internals", "org.parley");
        JsonNode envelope = JSON.readTree(response.body());
        assertThat(envelope.get("status").asText()).isEqualTo("failure");
        assertThat(envelope.get("success").asBoolean()).isFalse();
        assertThat(envelope.get("code").asText()).isEqualTo(code);
        assertThat(envelope.get("message").asText()).isNotBlank();
    }
}
