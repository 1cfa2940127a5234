package org.parley.application.port.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.Message;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;

/**
 * A message's sender deleted it (contract §12): both participants are told, on every device.
 *
 * @param message         the tombstone; its {@code updatedAt} is when it was deleted
 * @param deliveries      who is told, from {@link org.parley.domain.delivery.DeliveryPolicy#forDeletion}
 * @param clientMessageId the sender's own id for the request, echoed to the sender
 * @throws IllegalArgumentException when the message is not deleted
 */
public record MessageDeleted(Message message, List<Delivery> deliveries, Optional<ClientMessageId> clientMessageId)
        implements OutboundEvent {

    public MessageDeleted {
        Objects.requireNonNull(message, "message");
        deliveries = List.copyOf(deliveries);
        Objects.requireNonNull(clientMessageId, "clientMessageId");
        if (!message.deleted()) {
            throw new IllegalArgumentException("Message " + message.id() + " is not deleted");
        }
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.messageDeleted(this);
    }
}
