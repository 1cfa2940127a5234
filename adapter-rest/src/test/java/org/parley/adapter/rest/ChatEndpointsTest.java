package org.parley.adapter.rest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.TIMESTAMP;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;
import static org.parley.adapter.rest.TestApi.assertUser;
import static org.parley.adapter.rest.TestApi.names;

/** {@code GET /chat/messages/<uid>/} and {@code GET /chat/user/threads/}. */
class ChatEndpointsTest {

    private TestApi api;
    private User kyrian;
    private User admin;

    @BeforeEach
    void start() {
        api = TestApi.start();
        kyrian = api.user("onuhudoudo@gmail.com", "Kyrian developer");
        admin = api.user("admin@gmail.com", "Admin user");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listsTheConversationNewestFirstInTheSeedShape() {
        Message text = api.text(kyrian, admin, "hello there");
        Message profile = api.send(kyrian, admin, new MessageContent.ProfileShare(admin.id()));
        Message file = api.send(admin, kyrian, new MessageContent.File("",
                new Attachment("k/abc", "Screenshot 2025-03-14 100311.png", 199_424, "image/png")));

        JsonNode data = assertSuccess(api.get("/chat/messages/" + admin.id() + "/", api.tokenFor(kyrian)),
                200, "Messages retrieved successfully");

        assertThat(names(data)).containsExactly("messages", "has_more", "next_before", "next_after");
        assertThat(data.get("has_more").booleanValue()).isFalse();
        assertThat(data.get("next_before").isNull()).isTrue();
        assertThat(data.get("next_after").isNull()).isTrue();
        JsonNode messages = data.get("messages");
        assertThat(messages).hasSize(3);

        JsonNode fileJson = messages.get(0);
        assertThat(names(fileJson)).containsExactly("id", "sender", "receiver", "attached_file_size",
                "attached_file_bytes", "message", "updated_at", "created_at", "attached_file", "message_type",
                "attached_file_name", "thread", "attached_profile", "seen", "edited", "deleted");
        assertThat(fileJson.get("seen").booleanValue()).isFalse();
        assertThat(fileJson.get("edited").booleanValue()).isFalse();
        assertThat(fileJson.get("deleted").booleanValue()).isFalse();
        assertThat(fileJson.get("id").longValue()).isEqualTo(file.id().value());
        assertUser(fileJson.get("sender"), admin);
        assertUser(fileJson.get("receiver"), kyrian);
        assertThat(fileJson.get("attached_file_size").asText()).isEqualTo("194.75KB");
        assertThat(fileJson.get("attached_file_bytes").longValue()).isEqualTo(199_424);
        assertThat(fileJson.get("message").asText()).isEmpty();
        assertThat(fileJson.get("attached_file").asText())
                .matches("/media/" + file.id().value() + "/.+\\?expires=\\d+&signature=.+");
        assertThat(fileJson.get("message_type").asText()).isEqualTo("file");
        assertThat(fileJson.get("attached_file_name").asText()).isEqualTo("Screenshot 2025-03-14 100311.png");
        assertThat(fileJson.get("thread").longValue()).isEqualTo(file.threadId().value());
        assertThat(fileJson.get("attached_profile").isNull()).isTrue();
        assertThat(fileJson.get("created_at").asText()).matches(TIMESTAMP);
        assertThat(fileJson.get("updated_at").asText()).matches(TIMESTAMP);

        JsonNode profileJson = messages.get(1);
        assertThat(profileJson.get("id").longValue()).isEqualTo(profile.id().value());
        assertUser(profileJson.get("sender"), kyrian);
        assertUser(profileJson.get("receiver"), admin);
        assertThat(profileJson.get("message_type").asText()).isEqualTo("user_profile");
        assertThat(profileJson.get("message").isNull()).isTrue();
        assertThat(profileJson.get("attached_profile").asText()).isEqualTo(admin.id().toString());
        assertThat(profileJson.get("attached_file_size").asText()).isEqualTo("0kb");
        assertThat(profileJson.get("attached_file_bytes").longValue()).isZero();
        assertThat(profileJson.get("attached_file").isNull()).isTrue();
        assertThat(profileJson.get("attached_file_name").isNull()).isTrue();

        JsonNode textJson = messages.get(2);
        assertThat(textJson.get("id").longValue()).isEqualTo(text.id().value());
        assertThat(textJson.get("message_type").asText()).isEqualTo("text");
        assertThat(textJson.get("message").asText()).isEqualTo("hello there");
        assertThat(textJson.get("attached_file_size").asText()).isEqualTo("0kb");
        assertThat(textJson.get("attached_file_bytes").longValue()).isZero();
        assertThat(textJson.get("attached_profile").isNull()).isTrue();
        assertThat(textJson.get("thread").longValue()).isEqualTo(text.threadId().value());
        assertThat(textJson.get("created_at").asText()).isEqualTo(WireFormat.timestamp(text.createdAt()));
    }

    @Test
    void writesTimestampsInUtcWithSixFractionalDigitsAndZ() {
        JsonNode data = assertSuccess(api.get("/auth/me/", api.tokenFor(kyrian)), 200, null);
        // kyrian was the first thing the clock stamped: exactly TestApi.START.
        assertThat(data.get("created_at").asText()).isEqualTo("2025-03-14T10:07:31.270646Z");
        assertThat(data.get("updated_at").asText()).isEqualTo("2025-03-14T10:07:31.270646Z");
    }

    @Test
    void servesThePathsWithAndWithoutTheTrailingSlash() {
        api.text(kyrian, admin, "hi");
        String token = api.tokenFor(kyrian);
        assertThat(assertSuccess(api.get("/chat/messages/" + admin.id(), token), 200, "Messages retrieved successfully")
                .get("messages")).hasSize(1);
        assertThat(assertSuccess(api.get("/chat/user/threads", token), 200, null)).hasSize(1);
    }

    @Test
    void pagesBackWithLimitAndBefore() {
        List<Message> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            sent.add(api.text(i % 2 == 0 ? kyrian : admin, i % 2 == 0 ? admin : kyrian, "message " + i));
        }
        String token = api.tokenFor(kyrian);

        JsonNode first = assertSuccess(api.get("/chat/messages/" + admin.id() + "/?limit=2", token), 200,
                "Messages retrieved successfully");
        assertThat(ids(first)).containsExactly(sent.get(4).id().value(), sent.get(3).id().value());
        assertThat(first.get("has_more").booleanValue()).isTrue();
        assertThat(first.get("next_before").longValue()).isEqualTo(sent.get(3).id().value());
        assertThat(first.get("next_after").isNull()).isTrue();

        JsonNode second = api.get("/chat/messages/" + admin.id() + "/?limit=2&before="
                + first.get("next_before").longValue(), token).data();
        assertThat(ids(second)).containsExactly(sent.get(2).id().value(), sent.get(1).id().value());
        assertThat(second.get("has_more").booleanValue()).isTrue();

        JsonNode last = api.get("/chat/messages/" + admin.id() + "/?limit=2&before="
                + second.get("next_before").longValue(), token).data();
        assertThat(ids(last)).containsExactly(sent.get(0).id().value());
        assertThat(last.get("has_more").booleanValue()).isFalse();
        assertThat(last.get("next_before").isNull()).isTrue();
    }

    @Test
    void catchesUpWithAfter() {
        List<Message> sent = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            sent.add(api.text(kyrian, admin, "message " + i));
        }
        String token = api.tokenFor(kyrian);

        JsonNode page = assertSuccess(api.get("/chat/messages/" + admin.id() + "/?after=" + sent.get(0).id()
                + "&limit=2", token), 200, "Messages retrieved successfully");
        assertThat(ids(page)).containsExactly(sent.get(2).id().value(), sent.get(1).id().value());
        assertThat(page.get("has_more").booleanValue()).isTrue();
        assertThat(page.get("next_after").longValue()).isEqualTo(sent.get(2).id().value());
        assertThat(page.get("next_before").isNull()).isTrue();

        JsonNode rest = api.get("/chat/messages/" + admin.id() + "/?after=" + page.get("next_after").longValue(),
                token).data();
        assertThat(ids(rest)).containsExactly(sent.get(3).id().value());
        assertThat(rest.get("has_more").booleanValue()).isFalse();
    }

    @Test
    void defaultsToTheNewestFiftyAndAcceptsTheLimitBounds() {
        for (int i = 1; i <= 51; i++) {
            api.text(kyrian, admin, "message " + i);
        }
        String token = api.tokenFor(kyrian);
        JsonNode page = api.get("/chat/messages/" + admin.id() + "/", token).data();
        assertThat(page.get("messages")).hasSize(50);
        assertThat(page.get("has_more").booleanValue()).isTrue();
        assertThat(api.get("/chat/messages/" + admin.id() + "/?limit=1", token).data().get("messages")).hasSize(1);
        assertThat(api.get("/chat/messages/" + admin.id() + "/?limit=200", token).data().get("messages")).hasSize(51);
        assertThat(api.get("/chat/messages/" + admin.id() + "/?limit=", token).data().get("messages")).hasSize(50);
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=201", "limit=-1", "limit=abc", "limit=1.5", "limit=99999999999999999999"})
    void refusesABadLimit(String query) {
        JsonNode failure = assertFailure(api.get("/chat/messages/" + admin.id() + "/?" + query, api.tokenFor(kyrian)),
                400, "validation_error");
        assertThat(failure.get("errors").get("limit").get(0).asText()).contains("between 1 and 200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"before=-3", "before=x", "after=-1", "after=1e3", "after=99999999999999999999"})
    void refusesABadCursor(String query) {
        String field = query.substring(0, query.indexOf('='));
        JsonNode failure = assertFailure(api.get("/chat/messages/" + admin.id() + "/?" + query, api.tokenFor(kyrian)),
                400, "validation_error");
        assertThat(names(failure.get("errors"))).containsExactly(field);
        assertThat(failure.get("errors").get(field).get(0).asText()).contains("a message id, or 0");
    }

    /** Issue 10: a client that has seen nothing catches up with after=0, from the first message on. */
    @Test
    void catchesUpFromTheStartWithAfter0() {
        List<Message> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(api.text(kyrian, admin, "message " + i));
        }
        String token = api.tokenFor(kyrian);

        JsonNode first = assertSuccess(api.get("/chat/messages/" + admin.id() + "/?after=0&limit=2", token), 200,
                "Messages retrieved successfully");
        assertThat(ids(first)).containsExactly(sent.get(1).id().value(), sent.get(0).id().value());
        assertThat(first.get("has_more").booleanValue()).isTrue();
        assertThat(first.get("next_after").longValue()).isEqualTo(sent.get(1).id().value());

        JsonNode nothingOlder = assertSuccess(api.get("/chat/messages/" + admin.id() + "/?before=0", token), 200,
                "Messages retrieved successfully");
        assertThat(nothingOlder.get("messages")).isEmpty();
        assertThat(nothingOlder.get("has_more").booleanValue()).isFalse();

        assertThat(ids(api.get("/chat/messages/" + admin.id() + "/?after=0&before=" + sent.get(2).id(), token).data()))
                .containsExactly(sent.get(1).id().value(), sent.get(0).id().value());
        assertFailure(api.get("/chat/messages/" + admin.id() + "/?after=0&before=0", token), 400, "validation_error");
    }

    @Test
    void reportsEveryBadParameterAtOnce() {
        JsonNode failure = assertFailure(api.get("/chat/messages/" + admin.id() + "/?limit=0&before=x&after=-1",
                api.tokenFor(kyrian)), 400, "validation_error");
        assertThat(names(failure.get("errors"))).containsExactlyInAnyOrder("limit", "before", "after");
    }

    @Test
    void refusesAnAfterThatIsNotBelowBefore() {
        JsonNode failure = assertFailure(api.get("/chat/messages/" + admin.id() + "/?before=5&after=9",
                api.tokenFor(kyrian)), 400, "validation_error");
        assertThat(failure.get("errors").has("after")).isTrue();
    }

    @Test
    void answersInvalidReceipientForAnUnknownMalformedOrOwnUid() {
        String token = api.tokenFor(kyrian);
        for (String uid : List.of("3fa85f64-5717-4562-b3fc-2c963f66afa6", "not-a-uuid", "123",
                kyrian.id().toString(), kyrian.id().toString().toUpperCase())) {
            JsonNode failure = assertFailure(api.get("/chat/messages/" + uid + "/", token), 404, "not_found");
            assertThat(failure.get("message").asText()).as(uid).isEqualTo("Invalid receipient");
        }
    }

    @Test
    void anEmptyConversationIsAnEmptyPage() {
        JsonNode data = assertSuccess(api.get("/chat/messages/" + admin.id() + "/", api.tokenFor(kyrian)), 200,
                "Messages retrieved successfully");
        assertThat(data.get("messages")).isEmpty();
        assertThat(data.get("has_more").booleanValue()).isFalse();
    }

    @Test
    void listsMyThreadsWithTheOtherUserAndTheLastMessage() {
        User third = api.user("third@example.com", "Third person");
        api.text(kyrian, admin, "older");
        Message latestWithAdmin = api.text(admin, kyrian, "newest with admin");
        api.threads.getOrCreate(org.parley.domain.chat.Participants.of(kyrian.id(), third.id()), api.time.now());

        JsonNode data = assertSuccess(api.get("/chat/user/threads/", api.tokenFor(kyrian)), 200, null);

        assertThat(data.isArray()).isTrue();
        assertThat(data).hasSize(2);
        JsonNode withAdmin = data.get(0);
        assertThat(names(withAdmin)).containsExactly("id", "other_user", "last_message", "created_at", "unread_count");
        assertThat(withAdmin.get("unread_count").longValue()).isEqualTo(1);
        assertThat(withAdmin.get("last_message").get("seen").booleanValue()).isFalse();
        assertThat(withAdmin.get("id").longValue()).isEqualTo(latestWithAdmin.threadId().value());
        assertUser(withAdmin.get("other_user"), admin);
        assertThat(withAdmin.get("created_at").asText()).matches(TIMESTAMP);
        JsonNode last = withAdmin.get("last_message");
        assertThat(last.get("id").longValue()).isEqualTo(latestWithAdmin.id().value());
        assertThat(last.get("message").asText()).isEqualTo("newest with admin");
        assertUser(last.get("sender"), admin);
        assertUser(last.get("receiver"), kyrian);
        assertThat(last.get("thread").longValue()).isEqualTo(latestWithAdmin.threadId().value());

        JsonNode withThird = data.get(1);
        assertUser(withThird.get("other_user"), third);
        assertThat(withThird.get("last_message").isNull()).isTrue();
    }

    @Test
    void markingSeenAnswersTheMarkerAndShowsInHistoryAndThreads() {
        Message first = api.text(admin, kyrian, "first");
        Message second = api.text(admin, kyrian, "second");
        String path = "/chat/thread/" + second.threadId().value() + "/seen/";

        JsonNode data = assertSuccess(api.post(path, "{\"message_id\":" + second.id().value() + "}",
                api.tokenFor(kyrian)), 200, "Messages marked as seen");
        assertThat(names(data)).containsExactly("thread", "message_id");
        assertThat(data.get("thread").longValue()).isEqualTo(second.threadId().value());
        assertThat(data.get("message_id").longValue()).isEqualTo(second.id().value());
        JsonNode older = assertSuccess(api.post(path, "{\"message_id\":\"" + first.id().value() + "\"}",
                api.tokenFor(kyrian)), 200, "Messages marked as seen");
        assertThat(older.get("message_id").longValue()).as("a marker never moves back").isEqualTo(second.id().value());
        assertThat(api.seenEvents.readMarkers()).hasSize(2);

        JsonNode history = assertSuccess(api.get("/chat/messages/" + kyrian.id() + "/", api.tokenFor(admin)), 200,
                "Messages retrieved successfully");
        assertThat(history.get("messages")).extracting(message -> message.get("seen").booleanValue())
                .containsExactly(true, true);
        JsonNode threads = assertSuccess(api.get("/chat/user/threads/", api.tokenFor(kyrian)), 200, null);
        assertThat(threads.get(0).get("unread_count").longValue()).isZero();
        assertThat(threads.get(0).get("last_message").get("seen").booleanValue()).isTrue();
    }

    @Test
    void markingSeenRefusesBadIdsAndOtherPeoplesThreads() {
        User third = api.user("third@example.com", "Third person");
        Message hello = api.text(admin, kyrian, "hello");
        String path = "/chat/thread/" + hello.threadId().value() + "/seen/";
        String body = "{\"message_id\":" + hello.id().value() + "}";

        assertFailure(api.post(path, body, api.tokenFor(third)), 404, "not_found");
        assertFailure(api.post("/chat/thread/abc/seen/", body, api.tokenFor(kyrian)), 404, "not_found");
        assertFailure(api.post("/chat/thread/" + (hello.threadId().value() + 99) + "/seen/", body,
                api.tokenFor(kyrian)), 404, "not_found");
        assertFailure(api.post(path, "{\"message_id\":" + (hello.id().value() + 99) + "}", api.tokenFor(kyrian)),
                404, "not_found");
        for (String bad : List.of("{}", "{\"message_id\":null}", "{\"message_id\":0}", "{\"message_id\":-1}",
                "{\"message_id\":1.5}", "{\"message_id\":\"x\"}", "{\"message_id\":true}")) {
            JsonNode failure = assertFailure(api.post(path, bad, api.tokenFor(kyrian)), 400, "validation_error");
            assertThat(names(failure.get("errors"))).as(bad).containsExactly("message_id");
        }
        assertFailure(api.post(path, body, null), 401, "unauthorized");
        assertThat(api.seenEvents.readMarkers()).isEmpty();
    }

    @Test
    void aUserWithoutThreadsGetsAnEmptyList() {
        JsonNode data = assertSuccess(api.get("/chat/user/threads/", api.tokenFor(kyrian)), 200, null);
        assertThat(data.isArray()).isTrue();
        assertThat(data).isEmpty();
    }

    @Test
    void refusesRequestsWithoutAValidAccessToken() {
        String messages = "/chat/messages/" + admin.id() + "/";
        for (String path : List.of(messages, "/chat/user/threads/", "/auth/me/")) {
            assertUnauthorized(api.get(path, null));
            assertUnauthorized(api.get(path, "garbage"));
            assertUnauthorized(api.get(path, api.tokens.issue(kyrian.id()).refresh()));
            assertUnauthorized(api.get(path, api.tokens.issueAccess(UserId.random())));
            assertUnauthorized(api.send(api.request(path, null).header("Authorization", "Basic YTpi").GET()));
            assertUnauthorized(api.send(api.request(path, null).header("Authorization", "Bearer ").GET()));
        }
    }

    @Test
    void refusesTheTokenOfADeactivatedUser() {
        api.users.update(kyrian.withDetails(kyrian.email(), kyrian.profile(), kyrian.status().withActive(false),
                api.time.now()));
        assertUnauthorized(api.get("/chat/user/threads/", api.tokenFor(kyrian)));
    }

    private static void assertUnauthorized(TestApi.Reply reply) {
        assertFailure(reply, 401, "unauthorized");
        assertThat(reply.header("WWW-Authenticate")).hasValue("Bearer");
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("messages").forEach(message -> ids.add(message.get("id").longValue()));
        return ids;
    }

}
