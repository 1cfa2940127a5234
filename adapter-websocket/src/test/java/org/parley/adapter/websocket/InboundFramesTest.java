package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.domain.RuleSubject;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.application.error.NotFound;
import org.parley.application.error.UnknownUser;
import org.parley.application.port.in.AnnounceFileMessage;
import java.util.Optional;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.chat.MessageId;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.ShareProfile;
import org.parley.domain.WellFormedText;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * The frame rules of contract §8 and §10, on {@link InboundFrames} alone: use cases that only record what reached
 * them, so "nothing of the frame was acted on" is checked exactly.
 */
class InboundFramesTest {

    private static final UserId BOB = UserId.random();
    private static final UserId NOBODY = UserId.random();
    private static final User ALICE = User.joined(UserId.random(), new EmailAddress("alice@example.org"),
            UserProfile.named("Alice"), Instant.parse("2025-01-01T00:00:00Z"));

    private final List<Object> commands = new ArrayList<>();
    private final List<String> replies = new ArrayList<>();
    private final InboundFrames inbound = new InboundFrames(new WebSocketUseCases(
            command -> {
                if (command.receiver().equals(NOBODY)) {
                    throw new UnknownUser();
                }
                commands.add(command);
                return new CompletableFuture<>();
            },
            command -> {
                commands.add(command);
                throw new NotFound("No file message with this chat_id");
            },
            command -> {
                if (command.receiver().equals(NOBODY)) {
                    throw new UnknownUser();
                }
                if (command.profile().equals(NOBODY)) {
                    throw new NotFound("No user with this attached_profile_id");
                }
                commands.add(command);
                return new CompletableFuture<>();
            },
            command -> {
                commands.add(command);
                throw new NotFound("No message with this id in your conversations");
            },
            command -> {
                if (command.message().value() == GONE) {
                    throw new Conflict(RuleSubject.TEXT, "This message was deleted and cannot be edited");
                }
                if (command.message().value() == A_FILE) {
                    throw ValidationFailed.of(RuleSubject.TEXT, "Only text messages can be edited");
                }
                commands.add(command);
                throw new NotFound("No message with this id was sent by you");
            },
            command -> {
                commands.add(command);
                throw new NotFound("No message with this id was sent by you");
            }));
    private static final long GONE = 66;
    private static final long A_FILE = 67;

    /** Sends one raw frame (written with ' for ") and returns the one error frame it got. */
    private JsonNode errorFor(String frame) {
        replies.clear();
        inbound.handle(ALICE.id(), new ClientFrame(frame.replace('\'', '"')), replies::add);
        assertThat(replies).as(frame).hasSize(1);
        assertThat(WellFormedText.isWellFormed(replies.get(0))).as("an error frame can be encoded").isTrue();
        try {
            JsonNode error = Json.MAPPER.readTree(replies.get(0));
            assertThat(error.get("action").asText()).isEqualTo("error");
            return error;
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private void assertError(String frame, String code, String requestAction, String clientMessageId) {
        JsonNode error = errorFor(frame);
        assertThat(error.get("code").asText()).as(frame).isEqualTo(code);
        assertThat(error.get("request_action").isNull() ? null : error.get("request_action").asText()).as(frame)
                .isEqualTo(requestAction);
        assertThat(error.has("client_msg_id") ? error.get("client_msg_id").asText() : null).as(frame)
                .isEqualTo(clientMessageId);
        assertThat(error.get("message").asText()).as(frame).isNotBlank();
    }

    private String text(String receiver, String body) {
        return "{'action':'text_message','message_body':" + body + ",'receiver_id':" + receiver + ",'client_msg_id':'c1'}";
    }

    private static String quoted(UserId id) {
        return "'" + id + "'";
    }

    @Test
    void anUnpairedSurrogateInTheBodyIsAValidationErrorAndNothingIsSent() {
        assertError(text(quoted(BOB), "'\\ud83d'"), "validation_error", "text_message", "c1");
        assertError(text(quoted(BOB), "'ok \\ude00 ok'"), "validation_error", "text_message", "c1");
        assertError(text(quoted(BOB), "'\\ude00\\ud83d'"), "validation_error", "text_message", "c1");
        assertThat(errorFor(text(quoted(BOB), "'\\ud83d'")).get("message").asText()).startsWith("message_body ");
        assertThat(commands).isEmpty();
    }

    @Test
    void anUnpairedSurrogateAnywhereInTheFrameIsRefusedNamingWhereItIs() {
        assertError("{'action':'text_message','message_body':'hi','receiver_id':'" + BOB + "','note':'\\ud83d'}",
                "validation_error", "text_message", null);
        JsonNode nested = errorFor("{'action':'file_message','chat_id':5,'extra':{'tags':['ok','\\udfff']}}");
        assertThat(nested.get("code").asText()).isEqualTo("validation_error");
        assertThat(nested.get("message").asText()).startsWith("extra.tags[1] ");
        assertThat(commands).isEmpty();
    }

    @Test
    void anUnpairedSurrogateInAFieldNameIsAValidationError() {
        assertError("{'action':'text_message','message_body':'hi','receiver_id':'" + BOB + "','\\ud83d':1}",
                "validation_error", null, null);
        assertError("{'\\udc00':'x','action':'text_message'}", "validation_error", null, null);
        assertThat(commands).isEmpty();
    }

    @Test
    void anUnpairedSurrogateInTheActionOrClientMessageIdIsNeverEchoed() {
        assertError("{'action':'text_\\ud83d','message_body':'hi','receiver_id':'" + BOB + "'}",
                "validation_error", null, null);
        assertError("{'action':'text_message','message_body':'hi','receiver_id':'" + BOB + "','client_msg_id':'\\ud83d'}",
                "validation_error", "text_message", null);
        assertThat(commands).isEmpty();
    }

    /** U+0000 cannot be stored in PostgreSQL text: refused like broken text, and never echoed. */
    @Test
    void aNullCharacterIsAValidationErrorButOtherControlCharactersAreText() {
        JsonNode error = errorFor(text(quoted(BOB), "'a\\u0000b'"));
        assertThat(error.get("code").asText()).isEqualTo("validation_error");
        assertThat(error.get("message").asText()).startsWith("message_body ").contains("null character");
        assertError("{'action':'text_message','message_body':'hi','receiver_id':'" + BOB + "','client_msg_id':'a\\u0000'}",
                "validation_error", "text_message", null);
        assertThat(commands).isEmpty();
    }

    /** Found by EntrancePropertiesTest: an action holding U+0000 was refused, but echoed as request_action. */
    @Test
    void aNullCharacterInTheActionIsNeverEchoed() {
        assertError("{'action':'text\\u0000_message'}", "validation_error", null, null);
        assertError("{'action':'text_message\\u0000','message_body':'hi','receiver_id':'" + BOB + "','client_msg_id':'c1'}",
                "validation_error", null, "c1");
        assertThat(commands).isEmpty();

        inbound.handle(ALICE.id(),
                new ClientFrame(text(quoted(BOB), "'bell\\u0007 tab\\t esc\\u001b del\\u007f'").replace('\'', '"')),
                replies::add);
        assertThat(commands).singleElement().isInstanceOfSatisfying(SendTextMessage.Command.class,
                command -> assertThat(command.body()).isEqualTo("bell\u0007 tab\t esc\u001b del\u007f"));
    }

    @Test
    void surrogatePairsAreText() {
        inbound.handle(ALICE.id(), new ClientFrame(text(quoted(BOB), "'\\ud83d\\ude00 and 😀'").replace('\'', '"')),
                replies::add);

        assertThat(replies).isEmpty();
        assertThat(commands).singleElement().isInstanceOfSatisfying(SendTextMessage.Command.class,
                command -> assertThat(command.body()).isEqualTo("😀 and 😀"));
    }

    @Test
    void anythingAfterTheObjectMakesTheWholeFrameInvalidJson() {
        String valid = text(quoted(BOB), "'hi'");
        for (String trailing : List.of(" " + valid, " xyz", "xyz", " ]", " {", " 1", " null", ",")) {
            assertError(valid + trailing, "invalid_json", null, null);
        }
        assertError("surrogate", "invalid_json", null, null);
        assertThat(commands).as("nothing of such a frame is acted on").isEmpty();
        inbound.handle(ALICE.id(), new ClientFrame((valid + " \n\t ").replace('\'', '"')), replies::add);
        assertThat(commands).as("white space after the object is fine").hasSize(1);
    }

    @Test
    void aMissingNullNonStringOrMalformedReceiverIsAValidationError() {
        for (String receiver : List.of("null", "17", "true", "{}", "''", "'not-a-uuid'", "'" + BOB + " '",
                "'" + BOB.toString().replace("-", "") + "'")) {
            assertError(text(receiver, "'hi'"), "validation_error", "text_message", "c1");
        }
        assertError("{'action':'text_message','message_body':'no receiver'}", "validation_error", "text_message", null);
        assertThat(commands).isEmpty();
    }

    @Test
    void onlyAWellFormedIdOfNoActiveUserIsAnInvalidReceiver() {
        assertError(text(quoted(NOBODY), "'hi'"), "invalid_receiver", "text_message", "c1");
        replies.clear();
        inbound.handle(ALICE.id(), new ClientFrame("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
                + BOB.toString().toUpperCase(Locale.ROOT) + "\"}"), replies::add);
        assertThat(replies).isEmpty();
        assertThat(commands).as("an upper-case UUID is still a UUID").hasSize(1);
    }

    @Test
    void aMissingOrNonStringBodyIsAValidationError() {
        for (String body : List.of("null", "42", "['hi']", "{'text':'hi'}")) {
            assertError(text(quoted(BOB), body), "validation_error", "text_message", "c1");
        }
        assertError("{'action':'text_message','receiver_id':'" + BOB + "'}", "validation_error", "text_message", null);
        assertThat(commands).isEmpty();
    }

    @Test
    void aProfileShareNeedsWellFormedUserIds() {
        String share = "{'action':'user_profile_message','client_msg_id':'p1'";
        assertError(share + ",'attached_profile_id':'" + BOB + "'}", "validation_error", "user_profile_message", "p1");
        assertError(share + ",'receiver_id':'" + BOB + "'}", "validation_error", "user_profile_message", "p1");
        assertError(share + ",'receiver_id':'" + BOB + "','attached_profile_id':7}", "validation_error",
                "user_profile_message", "p1");
        assertError(share + ",'receiver_id':'" + BOB + "','attached_profile_id':'bob'}", "validation_error",
                "user_profile_message", "p1");
        assertError(share + ",'receiver_id':'not-a-uuid','attached_profile_id':'" + BOB + "'}", "validation_error",
                "user_profile_message", "p1");
        assertThat(commands).isEmpty();
        assertError(share + ",'receiver_id':'" + NOBODY + "','attached_profile_id':'" + BOB + "'}", "invalid_receiver",
                "user_profile_message", "p1");
        assertError(share + ",'receiver_id':'" + BOB + "','attached_profile_id':'" + NOBODY + "'}", "not_found",
                "user_profile_message", "p1");
        assertThat(commands).isEmpty();
    }

    @Test
    void aFileAnnouncementNeedsAChatId() {
        for (String chatId : List.of("", ",'chat_id':null", ",'chat_id':'abc'", ",'chat_id':true", ",'chat_id':0",
                ",'chat_id':-3", ",'chat_id':[5]")) {
            assertError("{'action':'file_message','client_msg_id':'f1'" + chatId + "}", "validation_error",
                    "file_message", "f1");
        }
        assertThat(commands).isEmpty();
        assertError("{'action':'file_message','client_msg_id':'f1','chat_id':5}", "not_found", "file_message", "f1");
        assertThat(commands).singleElement().isInstanceOf(AnnounceFileMessage.Command.class);
    }

    @Test
    void aSeenFrameNeedsAMessageIdAndIsRefusedAsNotFoundByTheUseCase() {
        for (String messageId : List.of("", ",'message_id':null", ",'message_id':'abc'", ",'message_id':true",
                ",'message_id':0", ",'message_id':-3", ",'message_id':[5]", ",'message_id':{}")) {
            assertError("{'action':'seen','client_msg_id':'s1'" + messageId + "}", "validation_error", "seen", "s1");
        }
        assertThat(commands).isEmpty();
        assertError("{'action':'seen','client_msg_id':'s1','message_id':5}", "not_found", "seen", "s1");
        assertThat(commands).singleElement().isEqualTo(new MarkSeen.Command(ALICE.id(), new MessageId(5),
                Optional.empty(), Optional.of(new ClientMessageId("s1"))));
        commands.clear();
        assertError("{'action':'seen','message_id':'7'}", "not_found", "seen", null);
        assertThat(commands).singleElement().isEqualTo(new MarkSeen.Command(ALICE.id(), new MessageId(7),
                Optional.empty(), Optional.empty()));
    }

    @Test
    void aBadClientMessageIdIsAValidationErrorThatKeepsTheRequestAction() {
        for (String id : List.of("''", "12", "{}", "'" + "k".repeat(65) + "'")) {
            assertError("{'action':'text_message','message_body':'hi','receiver_id':'" + BOB + "','client_msg_id':" + id
                    + "}", "validation_error", "text_message", null);
        }
        assertThat(commands).isEmpty();
    }

    @Test
    void sharedProfilesAreRecordedWithTheirIds() {
        inbound.handle(ALICE.id(), new ClientFrame(("{'action':'user_profile_message','receiver_id':'" + BOB
                + "','attached_profile_id':'" + BOB + "'}").replace('\'', '"')), replies::add);
        assertThat(replies).isEmpty();
        assertThat(commands).singleElement().isInstanceOfSatisfying(ShareProfile.Command.class,
                command -> assertThat(command.profile()).isEqualTo(BOB));
    }

    @Test
    void editsAndDeletionsNeedAMessageIdAndEditsAStringBody() {
        for (String id : List.of("", ",'message_id':null", ",'message_id':'x'", ",'message_id':0", ",'message_id':-3",
                ",'message_id':1.5", ",'message_id':{}")) {
            assertError("{'action':'edit_message','message_body':'new'" + id + ",'client_msg_id':'e1'}",
                    "validation_error", "edit_message", "e1");
            assertError("{'action':'delete_message'" + id + ",'client_msg_id':'d1'}",
                    "validation_error", "delete_message", "d1");
        }
        for (String body : List.of("", ",'message_body':null", ",'message_body':5", ",'message_body':'\\ud83d'")) {
            assertError("{'action':'edit_message','message_id':5" + body + "}", "validation_error", "edit_message",
                    null);
        }
        assertThat(commands).isEmpty();
    }

    @Test
    void editRefusalsHaveTheirCodes() {
        assertError("{'action':'edit_message','message_id':5,'message_body':'new','client_msg_id':'e1'}",
                "not_found", "edit_message", "e1");
        assertError("{'action':'edit_message','message_id':'" + GONE + "','message_body':'new'}",
                "validation_error", "edit_message", null);
        assertError("{'action':'edit_message','message_id':" + A_FILE + ",'message_body':'new'}",
                "validation_error", "edit_message", null);
        assertError("{'action':'delete_message','message_id':'7','client_msg_id':'d1'}",
                "not_found", "delete_message", "d1");
        assertThat(commands).containsExactly(
                new EditMessage.Command(ALICE.id(), new MessageId(5), "new", Optional.of(new ClientMessageId("e1"))),
                new DeleteMessage.Command(ALICE.id(), new MessageId(7), Optional.of(new ClientMessageId("d1"))));
    }
}
