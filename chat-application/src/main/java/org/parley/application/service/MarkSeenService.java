package org.parley.application.service;

import java.time.Instant;
import java.util.Objects;

import org.parley.application.error.NotFound;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.domain.chat.Message;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Moves the caller's read marker (contract §11): the message is looked up by id (one primary-key read), must involve
 * the caller (and be in the named thread, for REST), then the marker moves in one atomic step of the store, and the
 * {@link MessageSeen} event is delivered on the caller's thread: to the other participant and to every connection of
 * the caller when the marker moved, to the caller alone when it was already there (the acknowledgement). Nothing of
 * group commit is involved: a read marker is not a message.
 */
public final class MarkSeenService implements MarkSeen {

    private final MessageRepository messages;
    private final ReadMarkerRepository markers;
    private final EventDelivery delivery;
    private final TimeSource time;

    public MarkSeenService(MessageRepository messages, ReadMarkerRepository markers, EventDelivery delivery,
                           TimeSource time) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.markers = Objects.requireNonNull(markers, "markers");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public Marked mark(Command command) {
        Message message = messages.findById(command.message())
                .filter(found -> found.involves(command.reader()))
                .filter(found -> command.inThread().map(found.threadId()::equals).orElse(true))
                .orElseThrow(() -> new NotFound("No message with this id in your conversations"));
        Instant now = time.now();
        ReadMarkerRepository.Advance advance = markers.advance(message.threadId(), command.reader(), message.id(), now);
        delivery.deliver(new MessageSeen(message.threadId(), command.reader(), advance.marker(), now,
                DeliveryPolicy.forReadMarker(message, command.reader(), advance.moved()), command.clientMessageId()));
        return new Marked(message.threadId(), advance.marker());
    }
}
