package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.ValidationFailed;
import org.parley.domain.chat.MessageId;

/**
 * A page of history: at most {@code limit} messages, with ids below {@code before} (paging back) and/or above
 * {@code after} (catching up after a reconnect).
 */
public record PageRequest(int limit, Optional<MessageId> before, Optional<MessageId> after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public PageRequest {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ValidationFailed.of("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (before.isPresent() && after.isPresent() && after.get().compareTo(before.get()) >= 0) {
            throw ValidationFailed.of("after", "after must be smaller than before");
        }
    }

    public static PageRequest newest() {
        return new PageRequest(DEFAULT_LIMIT, Optional.empty(), Optional.empty());
    }

    /** Whether this page moves forward in time (only {@code after} given) rather than back. */
    public boolean catchingUp() {
        return after.isPresent() && before.isEmpty();
    }
}
