package org.parley.domain.chat;

import java.util.Objects;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

/**
 * The two distinct people of a thread, in a canonical order ({@code first < second}), so that a pair has exactly one
 * representation whoever writes first. That order is what makes "one thread per pair" a unique key in storage.
 */
public record Participants(UserId first, UserId second) {

    public Participants {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first.equals(second)) {
            throw new DomainRuleViolation(RuleSubject.RECEIVER, "You cannot start a conversation with yourself");
        }
        if (first.compareTo(second) > 0) {
            throw new IllegalArgumentException("Participants must be in canonical order; use Participants.of");
        }
    }

    /** The pair of {@code a} and {@code b}, in either order. */
    public static Participants of(UserId a, UserId b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return a.compareTo(b) <= 0 ? new Participants(a, b) : new Participants(b, a);
    }

    public boolean includes(UserId user) {
        return first.equals(user) || second.equals(user);
    }

    /** The participant who is not {@code me}. */
    public UserId otherThan(UserId me) {
        if (first.equals(me)) {
            return second;
        }
        if (second.equals(me)) {
            return first;
        }
        throw new IllegalArgumentException(me + " is not a participant");
    }
}
