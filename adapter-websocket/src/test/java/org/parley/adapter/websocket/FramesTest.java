package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/** The seed's file and user_profile frames (sent by a later version's actions), and the formats of contract §3. */
class FramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserId SENDER = UserId.parse("302e305b-6e73-4f9c-bac7-551a92b106b0");
    private static final UserId RECEIVER = UserId.parse("75140d72-8b20-4549-885c-20599badb486");
    private static final AttachmentLink LINK = new AttachmentLink(new MessageId(5), "abc", 1, "s");
    /** Stands in for the REST adapter's media route. */
    private static final Function<AttachmentLink, String> MEDIA_PATHS = link -> "/media/" + link.message() + "/"
            + link.storageKey() + "?expires=" + link.expiresEpochSecond() + "&signature=" + link.signature();
    private static final Instant AT = Instant.parse("2025-03-14T10:45:51.147140Z");

    @Test
    void timestampsHaveSixFractionalDigitsAndAnExplicitOffset() {
        assertThat(Frames.timestamp(Instant.parse("2025-03-14T10:36:22.680911Z")))
                .isEqualTo("2025-03-14T10:36:22.680911+00:00");
        assertThat(Frames.timestamp(Instant.parse("2025-03-14T10:36:22Z"))).isEqualTo("2025-03-14T10:36:22.000000+00:00");
        assertThat(Frames.timestamp(Instant.parse("2025-03-14T10:36:22.1Z"))).isEqualTo("2025-03-14T10:36:22.100000+00:00");
    }

    @Test
    void aFileMessageRendersTheSeedsFileFrame() throws Exception {
        Message message = message(new MessageContent.File("this is the file",
                new Attachment("k/1", "Screenshot 2025-03-14 100311.png", 199_424, "image/png")));
        MessageStored outbound = new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                Optional.of(new ClientMessageId("f-1")), Optional.empty(), Optional.of(LINK));

        JsonNode re = JSON.readTree(Frames.messageStored(outbound, Audience.RECEIVER, MEDIA_PATHS));

        assertThat(WsClient.fieldNames(re)).containsExactly("message_body", "attached_file_name", "attached_file_size",
                "attached_file_bytes", "attached_file", "sender_id", "receiver_id", "timestamp", "created_msg_id", "action", "message_type");
        assertThat(re.get("message_body").asText()).isEqualTo("this is the file");
        assertThat(re.get("attached_file_name").asText()).isEqualTo("Screenshot 2025-03-14 100311.png");
        assertThat(re.get("attached_file_size").asText()).isEqualTo("194.75KB");
        assertThat(re.get("attached_file_bytes").asLong()).isEqualTo(199_424);
        assertThat(re.get("attached_file").asText()).isEqualTo("/media/5/abc?expires=1&signature=s");
        assertThat(re.get("sender_id").asText()).isEqualTo(SENDER.toString());
        assertThat(re.get("receiver_id").asText()).isEqualTo(RECEIVER.toString());
        assertThat(re.get("timestamp").asText()).isEqualTo("2025-03-14T10:45:51.147140+00:00");
        assertThat(re.get("created_msg_id").asLong()).isEqualTo(5);
        assertThat(re.get("action").asText()).isEqualTo("re_message");
        assertThat(re.get("message_type").asText()).isEqualTo("file");

        JsonNode conf = JSON.readTree(Frames.messageStored(outbound, Audience.SENDER, MEDIA_PATHS));
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        assertThat(conf.get("client_msg_id").asText()).isEqualTo("f-1");
    }

    @Test
    void aProfileShareRendersTheSeedsUserProfileFrame() throws Exception {
        User shared = new User(RECEIVER, new EmailAddress("admin@example.org"),
                new UserProfile("Admin user", "admin", null, null, null, null),
                org.parley.domain.user.AccountStatus.activeUser(), null, AT, AT);
        Message message = message(new MessageContent.ProfileShare(RECEIVER));
        MessageStored outbound = new MessageStored(message, List.of(), Optional.empty(), Optional.of(shared),
                Optional.empty());

        JsonNode re = JSON.readTree(Frames.messageStored(outbound, Audience.RECEIVER, MEDIA_PATHS));

        assertThat(WsClient.fieldNames(re)).containsExactly("sender_id", "receiver_id", "message", "timestamp",
                "created_msg_id", "attached_profile", "message_type", "action");
        assertThat(re.get("message").isNull()).isTrue();
        assertThat(re.get("attached_profile").get("id").asText()).isEqualTo(RECEIVER.toString());
        assertThat(re.get("attached_profile").get("fullname").asText()).isEqualTo("Admin user");
        assertThat(re.get("attached_profile").get("phone_number").asText()).isEqualTo("admin");
        assertThat(WsClient.fieldNames(re.get("attached_profile"))).containsExactly("id", "fullname", "phone_number");
        assertThat(re.get("message_type").asText()).isEqualTo("user_profile");
        assertThat(re.get("action").asText()).isEqualTo("re_message");
    }

    @Test
    void errorFramesCarryTheRequestAndTheClientMessageId() throws Exception {
        JsonNode error = JSON.readTree(Frames.error(ErrorCode.RATE_LIMITED, "Slow down", "text_message",
                Optional.of(new ClientMessageId("c-1"))));
        assertThat(WsClient.fieldNames(error)).containsExactly("action", "code", "message", "request_action", "client_msg_id");
        assertThat(error.get("code").asText()).isEqualTo("rate_limited");
    }

    @Test
    void utf8LengthCountsBytesWithoutEncoding() {
        for (String text : List.of("", "abc", "Zoë", "😀", "日本語", "mixed Zoë 😀 日本", "ascii first, then é",
                "é first", "ends in 😀", "a".repeat(1000) + "\u0080" + "b".repeat(10), "\u007f\u0080\u07ff\u0800\uffff")) {
            assertThat(ChatEndpoint.utf8Length(text)).as(text)
                    .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void utf8LengthCountsALoneSurrogateAsThreeBytesWhereverItStands() {
        assertThat(ChatEndpoint.utf8Length("\ud83d")).isEqualTo(3);
        assertThat(ChatEndpoint.utf8Length("ab\ude00")).isEqualTo(5);
        assertThat(ChatEndpoint.utf8Length("\ude00\ud83d")).isEqualTo(6);
        assertThat(ChatEndpoint.utf8Length("x\ud83d\ude00\ud83d")).isEqualTo(1 + 4 + 3);
    }

    private static Message message(MessageContent content) {
        return new Message(new MessageId(5), new ThreadId(1), SENDER, RECEIVER, content, AT, AT);
    }
}
