package org.parley.application.port.out;

import java.util.Objects;

import org.parley.domain.chat.Message;

/**
 * A message as {@link MessageRepository#appendNew} answered for one draft: stored now, with its new id and where it
 * stands in its thread's order (right after the message of its thread stored before it, or first); or, when the draft
 * repeats a {@code client_msg_id} its sender already stored a message with ({@link #repeat()}, contract §14), that
 * original message, stored earlier, and nothing was stored for the draft.
 *
 * @param message  the stored message: the new one, or for a repeat the original
 * @param position its place in its thread: known, and any previous message has a smaller id; for a repeat
 *                 {@link ThreadPosition#unknown()} (the original's place was given when it was stored)
 * @param repeat   whether the draft repeated an earlier send and was not stored
 * @throws IllegalArgumentException when a new message's position is unknown or names a previous message whose id is not
 *                                  smaller, or a repeat's position is known
 */
public record AppendedMessage(Message message, ThreadPosition position, boolean repeat) {

    public AppendedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(position, "position");
        if (repeat) {
            if (position.known()) {
                throw new IllegalArgumentException("A repeat of message " + message.id() + " stores nothing anywhere");
            }
        } else {
            if (!position.known()) {
                throw new IllegalArgumentException("Storage knows where message " + message.id()
                        + " stands in its thread");
            }
            if (position.previous().isPresent() && position.previous().get().compareTo(message.id()) >= 0) {
                throw new IllegalArgumentException("Message " + message.id() + " cannot come after message "
                        + position.previous().get() + " in its thread");
            }
        }
    }

    /** A message stored now, at {@code position}. */
    public AppendedMessage(Message message, ThreadPosition position) {
        this(message, position, false);
    }

    /** A draft that repeated the send of {@code original} (same sender, same {@code client_msg_id}): nothing stored. */
    public static AppendedMessage repeatOf(Message original) {
        return new AppendedMessage(original, ThreadPosition.unknown(), true);
    }
}
