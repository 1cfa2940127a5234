package org.parley.application.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Delivery;

/**
 * A send repeated with its {@code client_msg_id} and answered from storage (contract §14): the message is not stored
 * again, and nobody is sent a frame of it again. Yet the first answer may never have reached its recipients: the node
 * that stored it can have stopped between its commit and telling the other nodes (a crash), and a client resends what
 * was not confirmed. So a node whose order has not delivered the message has the recipients' connections opened before
 * {@code storedAt} (plus a margin) catch up with {@code after=} ({@link EventDelivery#sendRepeated}).
 *
 * @param message    the stored message's id
 * @param thread     its thread
 * @param deliveries who was to be told of it: its {@link MessageStored}'s deliveries
 * @param storedAt   when it was stored: its {@code created_at}, on the clock of the node that stored it
 */
public record RepeatedSend(MessageId message, ThreadId thread, List<Delivery> deliveries, Instant storedAt) {

    public RepeatedSend {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(thread, "thread");
        deliveries = List.copyOf(deliveries);
        Objects.requireNonNull(storedAt, "storedAt");
    }

    /** The repeat of the send whose first answer was {@code stored}. */
    public static RepeatedSend of(MessageStored stored) {
        return new RepeatedSend(stored.message().id(), stored.message().threadId(), stored.deliveries(),
                stored.message().createdAt());
    }
}
