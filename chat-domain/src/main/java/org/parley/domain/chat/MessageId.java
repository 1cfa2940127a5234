package org.parley.domain.chat;

/** A message's id: a positive integer that grows with time, assigned by storage; a later message has a larger id. */
public record MessageId(long value) implements Comparable<MessageId> {

    public MessageId {
        if (value <= 0) {
            throw new IllegalArgumentException("A message id is positive, got " + value);
        }
    }

    @Override
    public int compareTo(MessageId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
