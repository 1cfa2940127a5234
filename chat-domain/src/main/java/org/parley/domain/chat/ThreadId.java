package org.parley.domain.chat;

/** A thread's id: a positive integer that grows with time, assigned by storage. */
public record ThreadId(long value) {

    public ThreadId {
        if (value <= 0) {
            throw new IllegalArgumentException("A thread id is positive, got " + value);
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
