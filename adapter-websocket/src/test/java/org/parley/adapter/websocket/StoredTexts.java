package org.parley.adapter.websocket;

import java.time.Instant;
import java.util.Optional;

import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/** Tests: the event of a stored text message, as group commit hands it to delivery (no client id, no profile). */
final class StoredTexts {

    private static final Instant AT = Instant.parse("2025-03-14T10:36:22.680911Z");

    private StoredTexts() {
    }

    /** Message {@code id} with {@code text} from {@code from} to {@code to}, in thread 1. */
    static MessageStored stored(long id, UserId from, UserId to, String text) {
        Message message = new Message(new MessageId(id), new ThreadId(1), from, to, new MessageContent.Text(text), AT,
                AT);
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
