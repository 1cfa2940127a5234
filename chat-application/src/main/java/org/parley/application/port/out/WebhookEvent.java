package org.parley.application.port.out;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.UserId;

/**
 * Something an app's backend is told of through its webhook (contract §15), as the outbox keeps it: which message,
 * what happened to it, for whom (the message's receiver: events are sent in order per receiver) and when. What is
 * POSTed (the message object, {@code receiver_online}) is read when the event is sent, not kept here.
 *
 * @param id        the event's own id, the {@code "id"} of the POSTed body (the same on every retry: the backend
 *                  drops an id it has seen)
 * @param kind      what happened
 * @param message   the message it happened to
 * @param receiver  the message's receiver; events of one receiver are sent one at a time, in the order recorded
 * @param createdAt when it happened (the message stored, edited or deleted), the body's {@code "created_at"};
 *                  an event not acknowledged within 24 hours of it is given up
 */
public record WebhookEvent(UUID id, Kind kind, MessageId message, UserId receiver, Instant createdAt) {

    /** What happened to the message; the wire names ({@code message.new} …) are the webhook adapter's. */
    public enum Kind {
        /** The message was stored. */
        MESSAGE_NEW,
        /** Its text was changed by its sender (contract §12). */
        MESSAGE_EDITED,
        /** Its sender deleted it (contract §12). */
        MESSAGE_DELETED
    }

    public WebhookEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Checks that this is a {@code kind} event of {@code changed}: what a store recording a change's event in the
     * change's transaction asks of the event it is given.
     *
     * @throws IllegalArgumentException otherwise
     */
    public WebhookEvent requireOf(Kind expected, MessageId changed) {
        if (kind != expected || !message.equals(changed)) {
            throw new IllegalArgumentException("Expected a " + expected + " event of message " + changed.value()
                    + ", got " + kind + " of message " + message.value());
        }
        return this;
    }

    /** The event of {@code stored} having been stored, at its {@code created_at}, with a new random id. */
    public static WebhookEvent messageNew(Message stored) {
        return new WebhookEvent(UUID.randomUUID(), Kind.MESSAGE_NEW, stored.id(), stored.receiver(), stored.createdAt());
    }

    /** The event of {@code edited} having been edited at {@code at}, with a new random id. */
    public static WebhookEvent messageEdited(Message edited, Instant at) {
        return new WebhookEvent(UUID.randomUUID(), Kind.MESSAGE_EDITED, edited.id(), edited.receiver(), at);
    }

    /** The event of {@code deleted} having been deleted at {@code at}, with a new random id. */
    public static WebhookEvent messageDeleted(Message deleted, Instant at) {
        return new WebhookEvent(UUID.randomUUID(), Kind.MESSAGE_DELETED, deleted.id(), deleted.receiver(), at);
    }
}
