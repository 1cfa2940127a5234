package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/** The frames of contract §12, exactly, for each audience. */
class ChangeFramesTest {

    private static final UserId ALICE = UserId.parse("6f1c54a2-7d0e-4b59-9f1a-0c1d2e3f4a5b");
    private static final UserId BOB = UserId.parse("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    private static final Instant SENT = Instant.parse("2025-03-14T10:36:22.680911Z");
    private static final Instant LATER = Instant.parse("2025-03-14T10:40:01.000002Z");
    private static final Message TEXT = new Message(new MessageId(42), new ThreadId(7), ALICE, BOB,
            new MessageContent.Text("helo"), SENT, SENT);
    private final EventFrames frames = new EventFrames(link -> "/media/x");

    @Test
    void anEditTellsBothSidesTheNewTextAndItsTimeTheSenderWithItsClientMessageId() {
        Message edited = TEXT.editedTo(new MessageContent.Text("hello \"you\" 🎉"), LATER);
        MessageEdited event = new MessageEdited(edited, DeliveryPolicy.forEdit(edited),
                Optional.of(new ClientMessageId("e1")));

        assertThat(frames.render(event, Audience.RECEIVER)).isEqualTo("{\"action\":\"message_edited\","
                + "\"message_id\":42,\"thread\":7,\"message\":\"hello \\\"you\\\" 🎉\","
                + "\"edited_at\":\"2025-03-14T10:40:01.000002+00:00\"}");
        assertThat(frames.render(event, Audience.SENDER)).isEqualTo("{\"action\":\"message_edited\","
                + "\"message_id\":42,\"thread\":7,\"message\":\"hello \\\"you\\\" 🎉\","
                + "\"edited_at\":\"2025-03-14T10:40:01.000002+00:00\",\"client_msg_id\":\"e1\"}");
    }

    @Test
    void aDeletionTellsBothSidesItsTimeTheSenderWithItsClientMessageIdWhenGiven() {
        Message tombstone = TEXT.deletedAt(LATER);
        MessageDeleted event = new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), Optional.empty());

        String expected = "{\"action\":\"message_deleted\",\"message_id\":42,\"thread\":7,"
                + "\"timestamp\":\"2025-03-14T10:40:01.000002+00:00\"}";
        assertThat(frames.render(event, Audience.RECEIVER)).isEqualTo(expected);
        assertThat(frames.render(event, Audience.SENDER)).isEqualTo(expected);
        MessageDeleted withId = new MessageDeleted(tombstone, event.deliveries(), Optional.of(new ClientMessageId("d")));
        assertThat(frames.render(withId, Audience.SENDER)).endsWith(",\"client_msg_id\":\"d\"}");
        assertThat(WebSocketDelivery.describe(withId)).isEqualTo("the deletion of message 42");
    }

    /**
     * What connections are written (Jackson's UTF-8 generator, framed) is the text form in UTF-8, byte for byte:
     * escapes, a character beyond the BMP as its four bytes, both audiences.
     */
    @Test
    void theFramedFormIsTheTextFormInUtf8() {
        Message edited = TEXT.editedTo(new MessageContent.Text("h\u00e9 \"\\ \n\u0001 \u2028 \ud83c\udf89\ud83d\ude00"
                + "\u65e5".repeat(3_000) + "\ud83c\udf89"), LATER);
        Message tombstone = TEXT.deletedAt(LATER);
        List<OutboundEvent> events = List.of(
                new MessageEdited(edited, DeliveryPolicy.forEdit(edited), Optional.of(new ClientMessageId("e\u00e9"))),
                new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone),
                        Optional.of(new ClientMessageId("d"))));
        for (OutboundEvent event : events) {
            for (Audience audience : List.of(Audience.SENDER, Audience.RECEIVER)) {
                String text = frames.render(event, audience);
                assertThat(frames.frame(event, audience).framed()).isEqualTo(FrameWriter.textFrame(text));
            }
        }
    }
}
