package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
import org.parley.domain.user.UserId;

/**
 * A stored message's {@code conf_message} copied from its {@code re_message} ({@link ConfirmationFrames}) is byte for
 * byte the frame Jackson renders for the sender, whatever the message holds (the text may spell the receiver's
 * {@code action} field itself, escaped), and is copied whenever the {@code client_msg_id} needs no escape.
 */
class ConfirmationFramesTest {

    private static final UserId SENDER = UserId.random();
    private static final UserId RECEIVER = UserId.random();
    private static final Instant AT = Instant.parse("2025-03-14T10:36:22.680911Z");
    private final EventFrames frames = new EventFrames(link -> "/media/" + link.message().value() + "/"
            + link.storageKey() + "?signature=" + link.signature());

    @Test
    void theCopiedConfirmationIsTheRenderedOneForEveryKindOfMessage() {
        List<String> texts = List.of("hi", "",
                ",\"action\":\"re_message\"}", "\",\"action\":\"re_message\"", "Zo\u00eb \ud83d\ude00 \\ \u0007 \n",
                "x".repeat(200), "y".repeat(70_000));
        List<Optional<ClientMessageId>> ids = List.of(Optional.empty(), Optional.of(new ClientMessageId("c-1")),
                Optional.of(new ClientMessageId("~ !#$%&'()*+,-./:;<=>?@[]^_`{|}")),
                Optional.of(new ClientMessageId("x".repeat(ClientMessageId.MAX_LENGTH))));
        long id = 1;
        for (Optional<ClientMessageId> clientMessageId : ids) {
            for (String text : texts) {
                MessageContent content = text.isEmpty()
                        ? new MessageContent.File(null, new Attachment("k", "a \"b\".png", 1_234, "image/png"))
                        : new MessageContent.Text(text);
                assertCopiedAsRendered(stored(id++, content, clientMessageId));
            }
            assertCopiedAsRendered(stored(id++, new MessageContent.ProfileShare(RECEIVER), clientMessageId));
        }
    }

    /** Escaping is left to Jackson: such an id is not copied, and the frame is rendered as before. */
    @Test
    void aClientMessageIdThatJsonEscapesIsRenderedNotCopied() {
        for (String escaped : List.of("c-\"1\"", "back\\slash", "tab\t", "del\u007f", "Zo\u00eb", "\ud83d\ude00")) {
            MessageStored event = stored(9, new MessageContent.Text("hi"), Optional.of(new ClientMessageId(escaped)));
            OutgoingFrame receivers = frames.frame(event, Audience.RECEIVER);

            assertThat(ConfirmationFrames.fromReceivers(receivers, event.clientMessageId())).as(escaped).isNull();
            assertThat(frames.frame(event, Audience.SENDER, receivers).text()).as(escaped)
                    .isEqualTo(frames.render(event, Audience.SENDER));
        }
    }

    private void assertCopiedAsRendered(MessageStored event) {
        OutgoingFrame receivers = frames.frame(event, Audience.RECEIVER);
        OutgoingFrame copied = ConfirmationFrames.fromReceivers(receivers, event.clientMessageId());

        assertThat(copied).as("copied, not rendered").isNotNull();
        assertThat(copied.framed()).isEqualTo(frames.frame(event, Audience.SENDER).framed());
        assertThat(frames.frame(event, Audience.SENDER, receivers).framed()).isEqualTo(copied.framed());
        assertThat(receivers.framed()).as("the receiver's frame is left as it was")
                .isEqualTo(frames.frame(event, Audience.RECEIVER).framed());
    }

    private static MessageStored stored(long id, MessageContent content, Optional<ClientMessageId> clientMessageId) {
        Message message = new Message(new MessageId(id), new ThreadId(1), SENDER, RECEIVER, content, AT, AT);
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), clientMessageId,
                Optional.empty(),
                content instanceof MessageContent.File ? Optional.of(new AttachmentLink(message.id(), "k", 1L, "s"))
                        : Optional.empty());
    }
}
