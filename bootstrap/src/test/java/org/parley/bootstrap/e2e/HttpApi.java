package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A real HTTP client for the running server (HTTP/1.1, as the tech notes advise for Grizzly). */
public final class HttpApi {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient client;

    public HttpApi(String base) {
        this(base, HttpClient.Version.HTTP_1_1);
    }

    public HttpApi(String base, HttpClient.Version version) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A response: status, headers and the body parsed as JSON (or null when it is not JSON). */
    public record Reply(int status, Map<String, java.util.List<String>> headers, String raw, JsonNode json) {
        public JsonNode data() {
            return json.get("data");
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst().orElse(null);
        }
    }

    public Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Reply post(String path, Object body, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public Reply put(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path, null).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json(body)));
        headers.forEach(builder::header);
        return send(builder);
    }

    /**
     * Sends the request and returns its reply, once {@link ApiDescriptions} has found it described by openapi.json
     * (its operation, status, type and body): an answer the document does not describe fails the test.
     */
    public Reply send(HttpRequest.Builder builder) {
        try {
            HttpRequest request = builder.build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            ApiDescriptions.checkReply(request.method(), request.uri(), response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Reply(response.statusCode(), response.headers().map(), response.body(), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request whose answer may be binary (a download) with {@code client}, and returns the answer once
     * {@link ApiDescriptions} has found it described (a JSON body validated, any other only its type).
     */
    public static HttpResponse<byte[]> sendForBytes(HttpClient client, HttpRequest request)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        ApiDescriptions.checkReply(request.method(), request.uri(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        return response;
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static String json(Object body) {
        if (body instanceof String text) {
            return text;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
