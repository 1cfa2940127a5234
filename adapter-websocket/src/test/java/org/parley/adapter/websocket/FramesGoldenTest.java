package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.OutboundEvent;
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
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * Every frame of a stored message, byte for byte, for both audiences: the strings below were rendered by the
 * version before the delivery seam (issue 11), so any change to the wire, field order, escaping or number format
 * included, fails here. The text holds what JSON escapes (a quote, a control character, a line feed) and what it does
 * not (non-ASCII, an emoji, {@code </}).
 */
class FramesGoldenTest {

    private static final String TEXT_RE = "{\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
            + "\"receiver_id\":\"75140d72-8b20-4549-885c-20599badb486\","
            + "\"message\":\"Hi \\\"Bob\\\" </script> \\u0007 Zo\u00eb \ud83d\ude00\\n\","
            + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"created_msg_id\":4,"
            + "\"message_type\":\"text\",\"action\":\"re_message\"}";
    private static final String TEXT_CONF = "{\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
            + "\"receiver_id\":\"75140d72-8b20-4549-885c-20599badb486\","
            + "\"message\":\"Hi \\\"Bob\\\" </script> \\u0007 Zo\u00eb \ud83d\ude00\\n\","
            + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"created_msg_id\":4,"
            + "\"message_type\":\"text\",\"action\":\"conf_message\","
            + "\"client_msg_id\":\"c-\\\"1\\\"\"}";
    private static final String FILE_RE = "{\"message_body\":\"the file\","
            + "\"attached_file_name\":\"Screenshot 2025-03-14 100311.png\","
            + "\"attached_file_size\":\"194.75KB\",\"attached_file_bytes\":199424,"
            + "\"attached_file\":\"/media/5/0123abcd?expires=1741952182&signature=c2ln-bmVk_\","
            + "\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
            + "\"receiver_id\":\"75140d72-8b20-4549-885c-20599badb486\","
            + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"created_msg_id\":5,"
            + "\"action\":\"re_message\",\"message_type\":\"file\"}";
    private static final String FILE_CONF = "{\"message_body\":\"the file\","
            + "\"attached_file_name\":\"Screenshot 2025-03-14 100311.png\","
            + "\"attached_file_size\":\"194.75KB\",\"attached_file_bytes\":199424,"
            + "\"attached_file\":\"/media/5/0123abcd?expires=1741952182&signature=c2ln-bmVk_\","
            + "\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
            + "\"receiver_id\":\"75140d72-8b20-4549-885c-20599badb486\","
            + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"created_msg_id\":5,"
            + "\"action\":\"conf_message\",\"message_type\":\"file\",\"client_msg_id\":\"f-1\"}";
    private static final String PROFILE_RE = "{\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
            + "\"receiver_id\":\"75140d72-8b20-4549-885c-20599badb486\",\"message\":null,"
            + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"created_msg_id\":6,"
            + "\"attached_profile\":{\"id\":\"75140d72-8b20-4549-885c-20599badb486\","
            + "\"fullname\":\"Admin user\",\"phone_number\":\"admin\"},"
            + "\"message_type\":\"user_profile\",\"action\":\"re_message\"}";
    private static final String PROFILE_CONF = "{\"sender_id\":\"302e305b-6e73-4f9c-bac7-551a92b106b0\","
            + "\"receiver_id\":\"75140d72-8b20-4549-885c-20599badb486\",\"message\":null,"
            + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"created_msg_id\":6,"
            + "\"attached_profile\":{\"id\":\"75140d72-8b20-4549-885c-20599badb486\","
            + "\"fullname\":\"Admin user\",\"phone_number\":\"admin\"},"
            + "\"message_type\":\"user_profile\",\"action\":\"conf_message\"}";

    private static final UserId SENDER = UserId.parse("302e305b-6e73-4f9c-bac7-551a92b106b0");
    private static final UserId RECEIVER = UserId.parse("75140d72-8b20-4549-885c-20599badb486");
    private static final Instant AT = Instant.parse("2025-03-14T10:36:22.680911Z");
    /** Formats a link as the REST adapter's media route does (pinned by its own test). */
    private final FrameRenderer frames = new EventFrames(link -> "/media/" + link.message().value() + "/"
            + link.storageKey() + "?expires=" + link.expiresEpochSecond() + "&signature=" + link.signature());

    @Test
    void aTextMessage() {
        Message text = message(4, new MessageContent.Text("Hi \"Bob\" </script> \u0007 Zo\u00eb \ud83d\ude00\n"));
        MessageStored event = new MessageStored(text, DeliveryPolicy.forStoredMessage(text),
                Optional.of(new ClientMessageId("c-\"1\"")), Optional.empty(), Optional.empty());

        assertFrame(event, Audience.RECEIVER, TEXT_RE);
        assertFrame(event, Audience.SENDER, TEXT_CONF);
    }

    @Test
    void aFileMessage() {
        Message file = message(5, new MessageContent.File("the file",
                new Attachment("0123abcd", "Screenshot 2025-03-14 100311.png", 199_424, "image/png")));
        MessageStored event = new MessageStored(file, DeliveryPolicy.forStoredMessage(file),
                Optional.of(new ClientMessageId("f-1")), Optional.empty(),
                Optional.of(new AttachmentLink(file.id(), "0123abcd", 1_741_952_182L, "c2ln-bmVk_")));

        assertFrame(event, Audience.RECEIVER, FILE_RE);
        assertFrame(event, Audience.SENDER, FILE_CONF);
    }

    @Test
    void aSharedProfile() {
        User shared = new User(RECEIVER, new EmailAddress("admin@example.org"),
                new UserProfile("Admin user", "admin", null, null, null, null), AccountStatus.activeUser(), null,
                AT, AT);
        Message profile = message(6, new MessageContent.ProfileShare(RECEIVER));
        MessageStored event = new MessageStored(profile, DeliveryPolicy.forStoredMessage(profile), Optional.empty(),
                Optional.of(shared), Optional.empty());

        assertFrame(event, Audience.RECEIVER, PROFILE_RE);
        assertFrame(event, Audience.SENDER, PROFILE_CONF);
    }

    /** Contract §11's {@code seen_message}, the same to both sides but for the reader's {@code client_msg_id}. */
    @Test
    void aReadMarker() {
        Message read = message(7, new MessageContent.Text("read me"));
        MessageSeen event = new MessageSeen(new ThreadId(3), RECEIVER, read.id(), AT,
                DeliveryPolicy.forReadMarker(read, RECEIVER, true), Optional.of(new ClientMessageId("s-1")));

        assertFrame(event, Audience.RECEIVER, "{\"action\":\"seen_message\",\"thread\":3,"
                + "\"reader_id\":\"75140d72-8b20-4549-885c-20599badb486\",\"message_id\":7,"
                + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\"}");
        assertFrame(event, Audience.SENDER, "{\"action\":\"seen_message\",\"thread\":3,"
                + "\"reader_id\":\"75140d72-8b20-4549-885c-20599badb486\",\"message_id\":7,"
                + "\"timestamp\":\"2025-03-14T10:36:22.680911+00:00\",\"client_msg_id\":\"s-1\"}");
    }

    /** Both forms of the frame: its text, and the frame written to connections (UTF-8, straight from Jackson). */
    private void assertFrame(OutboundEvent event, Audience audience, String expected) {
        assertThat(frames.render(event, audience)).isEqualTo(expected);
        OutgoingFrame frame = frames.frame(event, audience);
        assertThat(frame.framed()).isEqualTo(FrameWriter.textFrame(expected));
        assertThat(frame.text()).isEqualTo(expected);
        // What the delivery thread does: the sender's frame made knowing the receiver's (ConfirmationFrames).
        OutgoingFrame afterReceivers = frames.frame(event, audience, frames.frame(event, Audience.RECEIVER));
        assertThat(afterReceivers.framed()).isEqualTo(FrameWriter.textFrame(expected));
        assertThat(afterReceivers.text()).isEqualTo(expected);
    }

    private static Message message(long id, MessageContent content) {
        return new Message(new MessageId(id), new ThreadId(1), SENDER, RECEIVER, content, AT, AT);
    }
}
