package org.parley.adapter.rest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.service.AuthenticateTokenService;
import org.parley.application.service.DownloadAttachmentService;
import org.parley.application.service.ShowPresenceService;
import org.parley.application.cluster.LocalPresenceStore;
import org.parley.application.testing.InMemoryPresenceRepository;
import org.parley.application.service.LinkToAttachmentService;
import org.parley.application.service.ListThreadFilesService;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.service.UploadAttachmentService;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.FakeLinkSigner;
import org.parley.application.testing.FakePasswordHasher;
import org.parley.application.testing.FakeTokens;
import org.parley.application.testing.InMemoryAttachmentStore;
import org.parley.application.testing.MessageChangeServices;
import org.parley.application.testing.MessageWriters;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.MessageRules;
import org.parley.application.service.ListConversationService;
import org.parley.application.service.ListMyThreadsService;
import org.parley.application.service.LogInService;
import org.parley.application.service.MarkSeenService;
import org.parley.application.service.RefreshAccessTokenService;
import org.parley.application.service.RegisterUserService;
import org.parley.application.service.UpsertUserFromBackendService;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API on a real Grizzly server (port 0), built from the real services over in-memory stores, with a real JDK
 * HTTP/1.1 client (the JDK client's default h2c upgrade request confuses Grizzly 4).
 */
final class TestApi implements AutoCloseable {

    static final String PASSWORD = "correct horse battery";
    static final Instant START = Instant.parse("2025-03-14T10:07:31.270646Z");
    static final long MAX_UPLOAD_BYTES = 4096;
    /** The content type of every upload here (the REST adapter passes it through; detection is tested elsewhere). */
    static final String UNKNOWN_TYPE = "application/octet-stream";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatStorage storage = InMemoryChatStorage.create();
    final UserAccounts users = storage.users();
    final ThreadRepository threads = storage.threads();
    final MessageRepository messages = storage.messages();
    final InMemoryReadMarkerRepository readMarkers = new InMemoryReadMarkerRepository(threads, messages);
    /** The read markers' events (contract §11), which the REST endpoint raises like the websocket frame. */
    final RecordingEventDelivery seenEvents = new RecordingEventDelivery();
    /** Uploads store their message through group commit; the REST API delivers nothing itself. */
    private final MessageWriter writer = MessageWriters.start(messages, event -> { });
    /** What the edit and delete use cases handed to delivery. */
    final RecordingEventDelivery delivery = new RecordingEventDelivery();
    final FakeTokens tokens = new FakeTokens();
    final InMemoryAttachmentStore files = new InMemoryAttachmentStore();
    final FakeLinkSigner signer = new FakeLinkSigner();
    private final AtomicLong tick = new AtomicLong();
    // Not ManualTimeSource: every reading moves on 1.001 ms, so stored times differ without the tests moving a clock.
    final TimeSource time = () -> START.plus(tick.getAndIncrement() * 1_001, ChronoUnit.MICROS);
    private final LinkToAttachmentService links = new LinkToAttachmentService(signer, Duration.ofHours(1), time);
    final PasswordHasher hasher = new FakePasswordHasher();
    private final HttpServer server;
    private final URI base;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestApi(RestSettings settings, UnaryOperator<RestUseCases> customize) {
        MessageChangeServices changes = MessageChangeServices.on(messages, users, delivery, time, readMarkers)
                .withStore(files);
        RestUseCases useCases = customize.apply(new RestUseCases(
                new ListConversationService(users, threads, messages, readMarkers),
                new ListMyThreadsService(users, threads, readMarkers),
                new RegisterUserService(users, hasher, time),
                new LogInService(users, hasher, tokens, time, LogInAttempts.unlimited()),
                new RefreshAccessTokenService(tokens, users),
                new AuthenticateTokenService(tokens, users),
                new UpsertUserFromBackendService(users, user -> { }, time, hasher),
                new UploadAttachmentService(users, threads, writer, links, files,
                        (firstBytes, fileName) -> UNKNOWN_TYPE, MessageRules.defaults(), MAX_UPLOAD_BYTES, time,
                        SendBudget.unlimited(), readMarkers),
                new ListThreadFilesService(users, threads, messages, readMarkers),
                links,
                new DownloadAttachmentService(messages, files, signer, time),
                new MarkSeenService(messages, readMarkers, seenEvents, time),
                changes.edit(),
                changes.delete(),
                new ShowPresenceService(new InMemoryPresenceRepository(threads), new LocalPresenceStore())));
        server = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://127.0.0.1:0/"), RestApi.resourceConfig(useCases, settings), false);
        try {
            server.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        base = URI.create("http://127.0.0.1:" + server.getListener("grizzly").getPort());
    }

    static TestApi start() {
        return start(settings(Optional.empty()), UnaryOperator.identity());
    }

    /** Settings with this admin key, a small upload limit and a fresh temporary upload directory. */
    static RestSettings settings(Optional<String> adminApiKey) {
        try {
            return new RestSettings(adminApiKey, MAX_UPLOAD_BYTES, Files.createTempDirectory("parley-rest-uploads"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code useCases} with {@code listConversation} and {@code listMyThreads} in their place, the rest unchanged: for
     * tests of what the API makes of a use case's failures.
     */
    static RestUseCases withListing(RestUseCases useCases, ListConversation listConversation,
                                    ListMyThreads listMyThreads) {
        return new RestUseCases(listConversation, listMyThreads, useCases.registerUser(), useCases.logIn(),
                useCases.refreshAccessToken(), useCases.authenticateToken(), useCases.upsertUserFromBackend(),
                useCases.uploadAttachment(), useCases.listThreadFiles(), useCases.linkToAttachment(),
                useCases.downloadAttachment(), useCases.markSeen(), useCases.editMessage(), useCases.deleteMessage(),
                useCases.showPresence());
    }

    static TestApi start(RestSettings settings, UnaryOperator<RestUseCases> customize) {
        return new TestApi(settings, customize);
    }

    @Override
    public void close() {
        server.shutdownNow();
        writer.close();
    }

    // ---- fixtures ----

    User user(String email, String fullname) {
        User user = User.joined(UserId.random(), new EmailAddress(email), UserProfile.named(fullname), time.now());
        users.add(new Account(user, Optional.of(hasher.hash(PASSWORD))));
        return user;
    }

    User user(User user) {
        users.add(new Account(user, Optional.of(hasher.hash(PASSWORD))));
        return user;
    }

    String tokenFor(User user) {
        return tokens.issueAccess(user.id());
    }

    Message send(User from, User to, MessageContent content) {
        ChatThread thread = threads.getOrCreate(Participants.of(from.id(), to.id()), time.now());
        return messages.append(thread.compose(from.id(), content, time.now()));
    }

    Message text(User from, User to, String body) {
        return send(from, to, new MessageContent.Text(body));
    }

    // ---- HTTP ----

    Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    Reply post(String path, String json, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response, with its body parsed as JSON. */
    record Reply(int status, Map<String, List<String>> headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + body, e);
            }
        }

        JsonNode data() {
            return json().get("data");
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst();
        }
    }

    // ---- assertions ----

    static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    /** The success envelope, field by field, and no credential field anywhere. */
    static JsonNode assertSuccess(Reply reply, int status, String message) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode json = reply.json();
        assertThat(names(json)).containsExactly("status", "data", "message", "success");
        assertThat(json.get("status").asText()).isEqualTo("success");
        assertThat(json.get("success").isBoolean()).isTrue();
        assertThat(json.get("success").booleanValue()).isTrue();
        if (message == null) {
            assertThat(json.get("message").isNull()).isTrue();
        } else {
            assertThat(json.get("message").asText()).isEqualTo(message);
        }
        assertNoCredentialFields(json);
        return json.get("data");
    }

    /** The failure envelope, field by field. */
    static JsonNode assertFailure(Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode json = reply.json();
        List<String> names = names(json);
        assertThat(names.subList(0, 5)).containsExactly("status", "entity", "message", "success", "code");
        assertThat(names.subList(5, names.size())).isSubsetOf("errors");
        assertThat(json.get("status").asText()).isEqualTo("failure");
        assertThat(json.get("entity").isNull()).isTrue();
        assertThat(json.get("message").isTextual()).isTrue();
        assertThat(json.get("message").asText()).isNotBlank();
        assertThat(json.get("success").isBoolean()).isTrue();
        assertThat(json.get("success").booleanValue()).isFalse();
        assertThat(json.get("code").asText()).isEqualTo(code);
        assertThat(reply.body()).doesNotContain("Exception", "\tat ", "org.parley", "jakarta.", "com.fasterxml");
        return json;
    }

    static void assertNoCredentialFields(JsonNode node) {
        if (node.isObject()) {
            assertThat(names(node)).doesNotContain("password", "groups", "user_permissions");
            node.elements().forEachRemaining(TestApi::assertNoCredentialFields);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(TestApi::assertNoCredentialFields);
        }
    }

    /** The user object of the contract: every seed field but the credential ones, with this user's values. */
    static void assertUser(JsonNode json, User user) {
        assertThat(names(json)).containsExactly("id", "last_login", "gender", "email", "fullname", "country_code",
                "phone_number", "is_email_verified", "is_phone_verified", "is_active", "is_staff", "is_admin",
                "is_superuser", "created_at", "updated_at", "account_type", "date_of_birth", "profile_photo",
                "is_profile_complete");
        assertThat(json.get("id").asText()).isEqualTo(user.id().toString());
        assertThat(json.get("email").asText()).isEqualTo(user.email().value());
        assertThat(json.get("fullname").asText()).isEqualTo(user.profile().fullname());
        assertThat(json.get("gender").asText()).isEqualTo(orEmpty(user.profile().gender()));
        assertThat(json.get("country_code").asText()).isEqualTo(orEmpty(user.profile().countryCode()));
        assertThat(json.get("phone_number").asText()).isEqualTo(orEmpty(user.profile().phoneNumber()));
        assertThat(json.get("is_email_verified").booleanValue()).isEqualTo(user.status().emailVerified());
        assertThat(json.get("is_phone_verified").booleanValue()).isEqualTo(user.status().phoneVerified());
        assertThat(json.get("is_active").booleanValue()).isEqualTo(user.status().active());
        assertThat(json.get("is_staff").booleanValue()).isEqualTo(user.status().staff());
        assertThat(json.get("is_admin").booleanValue()).isEqualTo(user.status().admin());
        assertThat(json.get("is_superuser").booleanValue()).isEqualTo(user.status().superuser());
        assertThat(json.get("is_profile_complete").booleanValue()).isEqualTo(user.status().profileComplete());
        assertThat(json.get("account_type").asText()).isEqualTo(user.status().accountType());
        assertThat(json.get("created_at").asText()).matches(TIMESTAMP)
                .isEqualTo(WireFormat.timestamp(user.createdAt()));
        assertThat(json.get("updated_at").asText()).matches(TIMESTAMP)
                .isEqualTo(WireFormat.timestamp(user.updatedAt()));
        if (user.lastLogin() == null) {
            assertThat(json.get("last_login").isNull()).isTrue();
        } else {
            assertThat(json.get("last_login").asText()).matches(TIMESTAMP);
        }
        if (user.profile().dateOfBirth() == null) {
            assertThat(json.get("date_of_birth").isNull()).isTrue();
        } else {
            assertThat(json.get("date_of_birth").asText()).isEqualTo(user.profile().dateOfBirth().toString());
        }
        if (user.profile().profilePhoto() == null) {
            assertThat(json.get("profile_photo").isNull()).isTrue();
        } else {
            assertThat(json.get("profile_photo").asText()).isEqualTo(user.profile().profilePhoto());
        }
    }

    static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> iterator = node.fieldNames();
        iterator.forEachRemaining(names::add);
        return names;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
