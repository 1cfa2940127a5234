package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.parley.application.error.ValidationFailed;
import org.parley.domain.RuleSubject;
import org.parley.domain.chat.MessageId;

/**
 * A page of history: at most {@code limit} messages, with ids below {@code before} (paging back) and/or above
 * {@code after} (catching up after a reconnect). A bound is a message id or {@code 0}, the place before the first
 * message: {@code after = 0} catches up from the start (a client that has seen nothing), {@code before = 0} is an
 * empty page (nothing is older than the first message).
 *
 * @throws ValidationFailed when {@code limit} is not 1 to {@value #MAX_LIMIT}, a bound is negative, or {@code after}
 *                          is not below {@code before}
 */
public record PageRequest(int limit, OptionalLong before, OptionalLong after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public PageRequest {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ValidationFailed.of(RuleSubject.PAGE_SIZE, "limit must be between 1 and " + MAX_LIMIT);
        }
        if (before.isPresent() && before.getAsLong() < 0) {
            throw ValidationFailed.of(RuleSubject.PAGE_BEFORE, "before must be a message id or 0");
        }
        if (after.isPresent() && after.getAsLong() < 0) {
            throw ValidationFailed.of(RuleSubject.PAGE_AFTER, "after must be a message id or 0");
        }
        if (before.isPresent() && after.isPresent() && after.getAsLong() >= before.getAsLong()) {
            throw ValidationFailed.of(RuleSubject.PAGE_AFTER, "after must be smaller than before");
        }
    }

    public static PageRequest newest() {
        return new PageRequest(DEFAULT_LIMIT, OptionalLong.empty(), OptionalLong.empty());
    }

    /** Whether this page moves forward in time (only {@code after} given) rather than back. */
    public boolean catchingUp() {
        return after.isPresent() && before.isEmpty();
    }

    /** Whether no message can be on this page: {@code before = 0}. */
    public boolean beforeTheFirstMessage() {
        return before.isPresent() && before.getAsLong() == 0;
    }

    /** The message the page starts after, if any ({@code after = 0} names none: from the start). */
    public Optional<MessageId> afterMessage() {
        return after.isPresent() && after.getAsLong() > 0 ? Optional.of(new MessageId(after.getAsLong())) : Optional.empty();
    }

    /** The message the page ends before, if any ({@code before = 0}: see {@link #beforeTheFirstMessage()}). */
    public Optional<MessageId> beforeMessage() {
        return before.isPresent() && before.getAsLong() > 0 ? Optional.of(new MessageId(before.getAsLong())) : Optional.empty();
    }
}
