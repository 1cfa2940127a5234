package org.parley.application.port.out;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.MessageId;

/**
 * Where a message stands in its thread's order, as storage saw it when it stored the message: the thread's
 * {@linkplain #first() first} message, or stored right {@linkplain #after(MessageId) after} another one. Whoever
 * receives a conversation's events from several sources (the nodes of a cluster) uses it to keep them in order and to
 * notice one that went missing. {@linkplain #unknown() Unknown} for an event that repeats an older message (the
 * announcement of an uploaded file): such an event is delivered whenever it arrives and moves no order along.
 *
 * @param known    whether the position is known at all
 * @param previous the message stored just before this one in its thread; empty for the first message, and when unknown
 */
public record ThreadPosition(boolean known, Optional<MessageId> previous) {

    private static final ThreadPosition UNKNOWN = new ThreadPosition(false, Optional.empty());
    private static final ThreadPosition FIRST = new ThreadPosition(true, Optional.empty());

    public ThreadPosition {
        Objects.requireNonNull(previous, "previous");
        if (!known && previous.isPresent()) {
            throw new IllegalArgumentException("An unknown position has no previous message");
        }
    }

    /** The thread's first message: nothing was stored in it before. */
    public static ThreadPosition first() {
        return FIRST;
    }

    /** Stored right after {@code previous} in the same thread. */
    public static ThreadPosition after(MessageId previous) {
        return new ThreadPosition(true, Optional.of(Objects.requireNonNull(previous, "previous")));
    }

    /** Not known: the event repeats a message stored earlier. */
    public static ThreadPosition unknown() {
        return UNKNOWN;
    }
}
