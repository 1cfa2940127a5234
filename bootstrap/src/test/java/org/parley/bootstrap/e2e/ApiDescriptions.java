package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * The server's own API descriptions ({@code openapi.json}, {@code asyncapi.json}, read from the class path as the
 * server serves them) as a check on what the end-to-end tests see: {@link HttpApi} hands every reply to
 * {@link #checkReply}, {@link ChatSocket} and {@link RawWebSocket} every frame they receive to
 * {@link #checkReceivedFrame} and every frame a test sends to {@link #describesSentFrame}. A path, status or frame the
 * documents do not describe, or a body that does not match its schema, fails the test, so the documents cannot drift
 * from the server.
 *
 * <p>Matching: a reply is matched to its OpenAPI operation by method (HEAD as GET) and path template (with or without
 * the trailing slash, as the server serves both); a request no operation matches must get one of the answers of the
 * document's {@code x-parley-unrouted}. The reply's status picks the response; its {@code Content-Type} one of the
 * response's media types ({@code * /*} matches any) or, when the response has none, its body must be empty; a JSON
 * body is validated against the media type's schema. A frame is matched to the AsyncAPI messages of its direction by
 * {@code action} (the {@code const} or {@code enum} of the payload's {@code action}); it must validate against one of
 * them. Schemas are compiled once, on first use, and shared by all tests.
 */
final class ApiDescriptions {

    /** Where the two documents are filed for the validator (never fetched): {@code asyncapi.json} refers to its sibling. */
    static final String BASE = "https://parley.test/";

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(Map.of(BASE + "openapi.json", text("api/openapi.json"),
                    BASE + "asyncapi.json", text("api/asyncapi.json"))));
    static final JsonNode OPENAPI = tree("api/openapi.json");
    static final JsonNode ASYNCAPI = tree("api/asyncapi.json");

    private static final List<Route> ROUTES = routes();
    /** Frame action → the schema pointers of the messages that carry it, per direction. */
    private static final Map<String, List<String>> CLIENT_FRAMES = frames("clientFrames");
    private static final Map<String, List<String>> SERVER_FRAMES = frames("serverFrames");
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
    /** What this JVM's tests saw: {@code <pointer of a response or frame schema>}, for {@link #writeCoverage}. */
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ApiDescriptions::writeCoverage, "api-descriptions-coverage"));
    }

    private ApiDescriptions() {
    }

    /** One path of openapi.json: its template, as a pattern, and its operations by (lower-case) method. */
    record Route(String template, Pattern pattern, JsonNode operations) {
    }

    /**
     * Fails when openapi.json does not describe this reply: the operation, the status, the media type, or the body
     * against the response's schema.
     */
    static void checkReply(String method, URI uri, int status, String contentType, String body) {
        String verb = method.equals("HEAD") ? "get" : method.toLowerCase(Locale.ROOT);
        String path = uri.getRawPath();
        Optional<Route> route = route(path);
        String where;
        JsonNode responses;
        if (route.isPresent() && route.get().operations().has(verb)) {
            where = "/paths/" + escape(route.get().template()) + "/" + verb + "/responses";
            responses = route.get().operations().get(verb).get("responses");
        } else {
            where = "/x-parley-unrouted/responses";
            responses = OPENAPI.at(where);
        }
        String request = method + " " + path + " → " + status;
        JsonNode response = responses.get(Integer.toString(status));
        if (response == null) {
            throw new AssertionError("openapi.json does not describe " + request + " (" + where + "): " + body);
        }
        String pointer = where + "/" + status;
        SEEN.add(pointer);
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = OPENAPI.at(pointer);
        }
        JsonNode content = response.get("content");
        if (content == null || body.isEmpty()) {
            if (!body.isEmpty()) {
                throw new AssertionError("openapi.json describes no body for " + request + ", yet it has " + body);
            }
            return; // an empty body: a HEAD, a 304, a 204 … or one the response may carry
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        String documented = null;
        for (Iterator<String> types = content.fieldNames(); types.hasNext(); ) {
            String candidate = types.next();
            if (candidate.equals(type) || candidate.equals("*/*")) {
                documented = candidate;
                break;
            }
        }
        if (documented == null) {
            throw new AssertionError("openapi.json does not describe the type " + contentType + " of " + request
                    + " (only " + names(content) + ")");
        }
        if (documented.equals("application/json")) {
            validate(BASE + "openapi.json#" + pointer + "/content/application~1json/schema", body, request);
        }
    }

    /** Fails when no server → client message of asyncapi.json describes this frame. */
    static void checkReceivedFrame(String text) {
        List<String> errors = frameErrors(SERVER_FRAMES, text);
        if (!errors.isEmpty()) {
            throw new AssertionError("asyncapi.json does not describe the frame the server sent: " + text + "\n  "
                    + String.join("\n  ", errors));
        }
    }

    /**
     * Whether a client → server message of asyncapi.json describes this frame. A test may send frames that it does
     * not (to see them refused); {@link ChatSocket} then expects the server to refuse each.
     */
    static boolean describesSentFrame(String text) {
        List<String> errors = frameErrors(CLIENT_FRAMES, text);
        // A frame the server's Jackson reads (1,000 levels) but the validator's does not (500) cannot be judged here;
        // the server may accept it (an unknown field nested 600 deep is ignored), so it is not counted as undescribed.
        return errors.isEmpty() || errors.get(0).startsWith(UNREADABLE);
    }

    /** Every {@code action} asyncapi.json describes in the direction of {@code operation} (clientFrames, serverFrames). */
    static List<String> actions(String operation) {
        return List.copyOf(frames(operation).keySet());
    }

    /** The paths of openapi.json, each with its operations. */
    static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        OPENAPI.get("paths").fields().forEachRemaining(path -> {
            String template = trimSlash(path.getKey());
            String regex = Pattern.compile("\\{[^}]+}").splitAsStream(template + "\u0000")
                    .map(literal -> Pattern.quote(literal.replace("\u0000", "")))
                    .collect(Collectors.joining("[^/]+"));
            routes.add(new Route(path.getKey(), Pattern.compile(regex), path.getValue()));
        });
        return routes;
    }

    /**
     * When a test JVM ends, adds what it saw to {@code target/api-descriptions-seen.txt} and rewrites
     * {@code target/api-descriptions-coverage.txt}: every response of openapi.json and every frame schema of
     * asyncapi.json, each marked with whether a test saw it since {@code target/} was last cleaned (every JVM of the
     * run adds to it: some tests start servers in JVMs of their own). Information for whoever extends the suite (a
     * described answer that no test provokes), not a check.
     */
    private static synchronized void writeCoverage() {
        if (SEEN.isEmpty()) {
            return;
        }
        try {
            Path seenFile = Path.of("target", "api-descriptions-seen.txt");
            Files.write(seenFile, SEEN, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Set<String> seen = Set.copyOf(Files.readAllLines(seenFile));
            List<String> lines = new ArrayList<>();
            OPENAPI.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(
                    operation -> operation.getValue().get("responses").fieldNames().forEachRemaining(status -> {
                        String pointer = "/paths/" + escape(path.getKey()) + "/" + operation.getKey()
                                + "/responses/" + status;
                        lines.add(mark(seen, pointer) + operation.getKey().toUpperCase(Locale.ROOT) + " "
                                + path.getKey() + " " + status);
                    })));
            OPENAPI.at("/x-parley-unrouted/responses").fieldNames().forEachRemaining(status -> lines.add(
                    mark(seen, "/x-parley-unrouted/responses/" + status) + "unrouted " + status));
            ASYNCAPI.at("/components/schemas").fieldNames().forEachRemaining(schema -> lines.add(
                    mark(seen, "/components/schemas/" + schema) + "frame " + schema));
            Files.write(Path.of("target", "api-descriptions-coverage.txt"), lines);
        } catch (IOException | RuntimeException ignored) {
            // information only
        }
    }

    private static String mark(Set<String> seen, String pointer) {
        return seen.contains(pointer) ? "seen    " : "unseen  ";
    }

    private static Optional<Route> route(String rawPath) {
        String path = trimSlash(rawPath);
        return ROUTES.stream().filter(route -> route.pattern().matcher(path).matches()).findFirst();
    }

    private static final String UNREADABLE = "unreadable by the validator: ";

    private static List<String> frameErrors(Map<String, List<String>> messages, String text) {
        JsonNode frame;
        try {
            frame = HttpApi.JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(text);
        } catch (IOException | RuntimeException notJson) { // a RuntimeException: nested deeper than Jackson reads
            return List.of("not exactly one JSON value: " + notJson.getMessage());
        }
        if (frame == null || !frame.isObject() || !frame.path("action").isTextual()) {
            return List.of("not an object with a string action");
        }
        List<String> candidates = messages.get(frame.get("action").asText());
        if (candidates == null) {
            return List.of("no message has the action " + frame.get("action"));
        }
        List<String> errors = new ArrayList<>();
        for (String pointer : candidates) {
            List<Error> found;
            try {
                found = compiled(pointer).validate(text, InputFormat.JSON);
            } catch (RuntimeException unreadable) { // the validator's Jackson 3 reads at most 500 levels deep
                return List.of(UNREADABLE + unreadable.getMessage());
            }
            if (found.isEmpty()) {
                SEEN.add(pointer.substring(pointer.indexOf('#') + 1));
                return List.of();
            }
            errors.add(pointer.substring(pointer.lastIndexOf('/') + 1) + ": " + found);
        }
        return errors;
    }

    private static void validate(String schema, String json, String what) {
        List<Error> errors = compiled(schema).validate(json, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError("openapi.json's schema " + schema.substring(BASE.length()) + " refuses " + what
                    + ": " + errors + "\n  body: " + json);
        }
    }

    private static Schema compiled(String location) {
        return COMPILED.computeIfAbsent(location, where -> SCHEMAS.getSchema(SchemaLocation.of(where)));
    }

    private static Map<String, List<String>> frames(String operation) {
        Map<String, List<String>> byAction = new LinkedHashMap<>();
        for (JsonNode reference : ASYNCAPI.at("/operations/" + operation + "/messages")) {
            JsonNode channelMessage = ASYNCAPI.at(reference.get("$ref").asText().substring(1));
            String message = channelMessage.get("$ref").asText().substring(1);
            String payload = ASYNCAPI.at(message + "/payload/$ref").asText().substring(1);
            JsonNode action = ASYNCAPI.at(payload + "/properties/action");
            List<String> names = new ArrayList<>();
            if (action.has("const")) {
                names.add(action.get("const").asText());
            }
            action.path("enum").forEach(name -> names.add(name.asText()));
            for (String name : names) {
                byAction.computeIfAbsent(name, any -> new ArrayList<>()).add(BASE + "asyncapi.json#" + payload);
            }
        }
        return byAction;
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private static String names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    static String text(String resource) {
        try (InputStream in = ApiDescriptions.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String resource) {
        try {
            return HttpApi.JSON.readTree(text(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
