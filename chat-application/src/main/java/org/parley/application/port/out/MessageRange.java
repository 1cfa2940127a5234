package org.parley.application.port.out;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.MessageId;

/**
 * Which messages of a thread to read: those with an id strictly after {@code after} and strictly before
 * {@code before} (either bound may be absent), taken from the end {@code direction} names.
 */
public record MessageRange(Optional<MessageId> after, Optional<MessageId> before, Direction direction) {

    public enum Direction { NEWEST_FIRST, OLDEST_FIRST }

    public MessageRange {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(direction, "direction");
    }

    public static MessageRange newest() {
        return new MessageRange(Optional.empty(), Optional.empty(), Direction.NEWEST_FIRST);
    }
}
