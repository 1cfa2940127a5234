package org.parley.application.port.out;

import java.util.Objects;

import org.parley.domain.chat.Message;

/**
 * A message as {@link MessageRepository#appendAll} stored it: with its new id, and where it stands in its thread's order
 * (right after the message of its thread stored before it, or first).
 *
 * @param message  the stored message
 * @param position its place in its thread: always known, and any previous message has a smaller id
 * @throws IllegalArgumentException when the position is unknown, or names a previous message whose id is not smaller
 */
public record AppendedMessage(Message message, ThreadPosition position) {

    public AppendedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(position, "position");
        if (!position.known()) {
            throw new IllegalArgumentException("Storage knows where message " + message.id() + " stands in its thread");
        }
        if (position.previous().isPresent() && position.previous().get().compareTo(message.id()) >= 0) {
            throw new IllegalArgumentException("Message " + message.id() + " cannot come after message "
                    + position.previous().get() + " in its thread");
        }
    }
}
