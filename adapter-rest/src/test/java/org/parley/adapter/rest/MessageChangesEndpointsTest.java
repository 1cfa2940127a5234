package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.adapter.rest.TestApi.assertFailure;
import static org.parley.adapter.rest.TestApi.assertSuccess;

import java.net.http.HttpRequest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.User;

/** {@code PATCH} and {@code DELETE /chat/message/<id>/} (contract §12) against the REST adapter on the fakes. */
class MessageChangesEndpointsTest {

    private final TestApi api = TestApi.start();
    private final User alice = api.user("alice@example.com", "Alice");
    private final User bob = api.user("bob@example.com", "Bob");

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void theSenderEditsAndGetsTheMessageWithItsNewTextAndEditTime() {
        Message sent = api.text(alice, bob, "helo");

        JsonNode data = assertSuccess(patch(sent.id().value(), "{\"message\":\"hello 🎉\"}", alice), 200,
                "Message edited successfully");

        assertThat(data.get("id").longValue()).isEqualTo(sent.id().value());
        assertThat(data.get("message").asText()).isEqualTo("hello 🎉");
        assertThat(data.get("edited").booleanValue()).isTrue();
        assertThat(data.get("deleted").booleanValue()).isFalse();
        assertThat(data.get("updated_at").asText()).matches(TestApi.TIMESTAMP).isNotEqualTo(data.get("created_at").asText());
        assertThat(data.get("sender").get("id").asText()).isEqualTo(alice.id().toString());
        assertThat(api.delivery.delivered()).hasSize(1).allSatisfy(event -> assertThat(event).isInstanceOf(MessageEdited.class));
    }

    @Test
    void theSenderDeletesAndGetsTheTombstoneTwiceTheSame() {
        Message sent = api.send(alice, bob, new MessageContent.File("look",
                new Attachment("chat/k1", "a.png", 2_000, "image/png")));

        JsonNode first = assertSuccess(delete(sent.id().value(), alice), 200, "Message deleted successfully");
        JsonNode again = assertSuccess(delete(sent.id().value(), alice), 200, "Message deleted successfully");

        for (JsonNode data : new JsonNode[] {first, again}) {
            assertThat(data.get("id").longValue()).isEqualTo(sent.id().value());
            assertThat(data.get("deleted").booleanValue()).isTrue();
            assertThat(data.get("message").isNull()).isTrue();
            assertThat(data.get("attached_file").isNull()).isTrue();
            assertThat(data.get("attached_file_name").isNull()).isTrue();
            assertThat(data.get("attached_file_size").asText()).isEqualTo("0kb");
            assertThat(data.get("attached_file_bytes").longValue()).isZero();
            assertThat(data.get("message_type").asText()).isEqualTo("file");
            assertThat(data.get("thread").longValue()).isEqualTo(sent.threadId().value());
        }
        assertThat(again).isEqualTo(first);
        assertThat(api.delivery.delivered()).hasSize(2).allSatisfy(event -> assertThat(event).isInstanceOf(MessageDeleted.class));
    }

    @Test
    void anyoneButTheSenderAndUnknownOrMalformedIdsGet404() {
        Message sent = api.text(alice, bob, "mine");

        for (TestApi.Reply reply : new TestApi.Reply[] {
                patch(sent.id().value(), "{\"message\":\"theirs\"}", bob), delete(sent.id().value(), bob),
                patch(999_999, "{\"message\":\"x\"}", alice), delete(999_999, alice),
                api.send(api.request("/chat/message/abc/", api.tokenFor(alice)).DELETE()),
                api.send(api.request("/chat/message/0/", api.tokenFor(alice)).DELETE())}) {
            assertFailure(reply, 404, "not_found");
        }
        assertThat(api.messages.findById(sent.id())).contains(sent);
        assertThat(api.delivery.delivered()).isEmpty();
        assertThat(delete(sent.id().value(), null).status()).isEqualTo(401);
    }

    @Test
    void badTextIs400OnTheMessageFieldAndADeletedMessageIs409() {
        Message sent = api.text(alice, bob, "text");
        Message file = api.send(alice, bob, new MessageContent.File(null,
                new Attachment("chat/k2", "b.bin", 3, "application/octet-stream")));

        for (String body : new String[] {"{\"message\":\"   \"}", "{\"message\":5}", "{}",
                "{\"message\":\"" + "x".repeat(10_001) + "\"}", "{\"message\":\"\\ud83d\"}"}) {
            JsonNode failure = assertFailure(patch(sent.id().value(), body, alice), 400, "validation_error");
            assertThat(failure.get("errors").has("message")).as(body).isTrue();
        }
        JsonNode notText = assertFailure(patch(file.id().value(), "{\"message\":\"x\"}", alice), 400,
                "validation_error");
        assertThat(notText.get("errors").get("message").get(0).asText()).isEqualTo("Only text messages can be edited");
        assertFailure(patch(sent.id().value(), "[1]", alice), 400, "invalid_json");

        delete(sent.id().value(), alice);
        JsonNode conflict = assertFailure(patch(sent.id().value(), "{\"message\":\"back\"}", alice), 409, "conflict");
        assertThat(conflict.get("errors").get("message").get(0).asText())
                .isEqualTo("This message was deleted and cannot be edited");
        assertThat(api.delivery.delivered()).hasSize(1);
        assertThat(api.messages.findById(sent.id()).orElseThrow().deleted()).isTrue();
    }

    private TestApi.Reply patch(long id, String json, User caller) {
        return api.send(api.request("/chat/message/" + id + "/", api.tokenFor(caller))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    private TestApi.Reply delete(long id, User caller) {
        return api.send(api.request("/chat/message/" + id + "/", caller == null ? null : api.tokenFor(caller))
                .DELETE());
    }
}
