package org.parley.application.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.UserId;

/**
 * A reader's read marker in a thread is at {@code upTo} (contract §11, the {@code seen_message} frame): they have read
 * every message of the thread up to and including it.
 *
 * @param thread          the thread
 * @param reader          who read
 * @param upTo            the reader's marker after the request (the id marked, or a later one marked before)
 * @param at              when the request was handled
 * @param deliveries      who is told, from {@link org.parley.domain.delivery.DeliveryPolicy#forReadMarker}
 * @param clientMessageId the reader's own id for the request, echoed to the reader
 */
public record MessageSeen(
        ThreadId thread,
        UserId reader,
        MessageId upTo,
        Instant at,
        List<Delivery> deliveries,
        Optional<ClientMessageId> clientMessageId) implements OutboundEvent {

    public MessageSeen {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(upTo, "upTo");
        Objects.requireNonNull(at, "at");
        deliveries = List.copyOf(deliveries);
        Objects.requireNonNull(clientMessageId, "clientMessageId");
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.messageSeen(this);
    }
}
