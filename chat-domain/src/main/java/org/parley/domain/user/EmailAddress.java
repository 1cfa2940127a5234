package org.parley.domain.user;

import java.util.Locale;
import java.util.regex.Pattern;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;

/**
 * An e-mail address as the user typed it. Two addresses that differ only in case are the same account
 * ({@link #normalized()}), as Parley's contract requires. At most {@value #MAX_LENGTH} characters, as typed and in
 * its {@link #normalized()} form alike.
 */
public record EmailAddress(String value) {

    public static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    public EmailAddress {
        if (value == null || value.isBlank()) {
            throw new DomainRuleViolation(RuleSubject.EMAIL, "An e-mail address is required");
        }
        WellFormedText.require(RuleSubject.EMAIL, value);
        value = value.strip();
        // The lower case can be longer than the address (U+0130 becomes two characters): both forms must fit.
        if (value.length() > MAX_LENGTH || value.toLowerCase(Locale.ROOT).length() > MAX_LENGTH
                || !SHAPE.matcher(value).matches()) {
            throw new DomainRuleViolation(RuleSubject.EMAIL, "Enter a valid e-mail address");
        }
    }

    /** The form used to decide whether two addresses belong to the same account. */
    public String normalized() {
        return value.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }
}
