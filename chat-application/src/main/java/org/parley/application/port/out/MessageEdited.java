package org.parley.application.port.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;

/**
 * A text message's sender changed its text (contract §12): both participants are told, on every device.
 *
 * @param message         the message as edited: its new text, {@code edited}, {@code updatedAt} = the edit's time
 * @param deliveries      who is told, from {@link org.parley.domain.delivery.DeliveryPolicy#forEdit}
 * @param clientMessageId the sender's own id for the request, echoed to the sender
 * @throws IllegalArgumentException when the message is not an edited text message
 */
public record MessageEdited(Message message, List<Delivery> deliveries, Optional<ClientMessageId> clientMessageId)
        implements OutboundEvent {

    public MessageEdited {
        Objects.requireNonNull(message, "message");
        deliveries = List.copyOf(deliveries);
        Objects.requireNonNull(clientMessageId, "clientMessageId");
        if (!(message.content() instanceof MessageContent.Text) || !message.edited()) {
            throw new IllegalArgumentException("Message " + message.id() + " is not an edited text message");
        }
    }

    /** The new text. */
    public String text() {
        return ((MessageContent.Text) message.content()).body();
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.messageEdited(this);
    }
}
