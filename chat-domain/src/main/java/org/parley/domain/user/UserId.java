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
        if (text == null || !isCanonicalUuid(text)) {
            throw new DomainRuleViolation(RuleSubject.USER_ID, "Not a user id: expected a UUID");
        }
        return new UserId(UUID.fromString(text));
    }

    /**
     * Whether {@code text} is a UUID in its canonical form (RFC 9562 §4: 8-4-4-4-12 hexadecimal digits, either case).
     * {@link UUID#fromString} also takes signed or unevenly grouped hex ("+f2504e0-..."); only the canonical form is an
     * id, and it is checked character by character rather than by rendering the parsed UUID again.
     */
    private static boolean isCanonicalUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    /**
     * Orders ids by their textual form, so that the order is the same in every language and database, without
     * rendering it: the canonical form ({@link UUID#toString}) writes the 128 bits as fixed-width lower-case hex
     * digits, most significant first, with hyphens at the same places in every id, and {@code 0-9} come before
     * {@code a-f} in ASCII, so comparing two texts is comparing the two numbers unsigned, high half first.
     * {@link UUID#compareTo} compares the halves signed and would put {@code 8…} before {@code 0…}. (It is compared
     * once or twice per message sent, on the thread that reads the frame.)
     */
    @Override
    public int compareTo(UserId other) {
        int byHighHalf = Long.compareUnsigned(value.getMostSignificantBits(), other.value.getMostSignificantBits());
        return byHighHalf != 0 ? byHighHalf
                : Long.compareUnsigned(value.getLeastSignificantBits(), other.value.getLeastSignificantBits());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
