package org.parley.domain.user;

import java.util.Objects;
import java.util.UUID;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

/** A user's identity: a UUID, as in the seed API and in Django-issued tokens. */
public record UserId(UUID value) implements Comparable<UserId> {

    public UserId {
        Objects.requireNonNull(value, "value");
    }

    /** Parses the canonical textual form; anything else is a {@link DomainRuleViolation}. */
    public static UserId parse(String text) {
        if (text == null || text.length() != 36) {
            throw new DomainRuleViolation(RuleSubject.USER_ID, "Not a user id: expected a UUID");
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new DomainRuleViolation(RuleSubject.USER_ID, "Not a user id: expected a UUID");
        }
        // UUID.fromString also takes signed or unevenly grouped hex ("+f2504e0-..."); only the canonical form is an id.
        if (!uuid.toString().equalsIgnoreCase(text)) {
            throw new DomainRuleViolation(RuleSubject.USER_ID, "Not a user id: expected a UUID");
        }
        return new UserId(uuid);
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    /** Orders ids by their textual form, so that the order is the same in every language and database. */
    @Override
    public int compareTo(UserId other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
