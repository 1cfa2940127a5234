package org.parley.domain.user;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;

/**
 * What a user tells others about themselves. Every field but {@code fullname} is optional ({@code null} when unknown),
 * matching the seed's user object. Every text is valid Unicode ({@link WellFormedText}).
 */
public record UserProfile(
        String fullname,
        String phoneNumber,
        String countryCode,
        String gender,
        LocalDate dateOfBirth,
        String profilePhoto) {

    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_SHORT_FIELD_LENGTH = 32;

    public static final int MAX_PHOTO_LENGTH = 1024;

    public UserProfile {
        List<DomainRuleViolation> violations = violations(fullname, phoneNumber, countryCode, gender, profilePhoto);
        if (!violations.isEmpty()) {
            throw violations.get(0);
        }
        fullname = fullname.strip();
    }

    /**
     * Every rule these fields break, one violation per field, in field order: lets a caller report all problems of a
     * form at once instead of the first one only. Empty when the fields make a valid profile.
     */
    public static List<DomainRuleViolation> violations(
            String fullname, String phoneNumber, String countryCode, String gender, String profilePhoto) {
        List<DomainRuleViolation> violations = new ArrayList<>();
        if (fullname == null || fullname.isBlank()) {
            violations.add(new DomainRuleViolation(RuleSubject.FULLNAME, "A full name is required"));
        } else {
            broken(RuleSubject.FULLNAME, fullname.strip(), MAX_NAME_LENGTH).ifPresent(violations::add);
        }
        broken(RuleSubject.PHONE_NUMBER, phoneNumber, MAX_SHORT_FIELD_LENGTH).ifPresent(violations::add);
        broken(RuleSubject.COUNTRY_CODE, countryCode, MAX_SHORT_FIELD_LENGTH).ifPresent(violations::add);
        broken(RuleSubject.GENDER, gender, MAX_SHORT_FIELD_LENGTH).ifPresent(violations::add);
        broken(RuleSubject.PROFILE_PHOTO, profilePhoto, MAX_PHOTO_LENGTH).ifPresent(violations::add);
        return violations;
    }

    public static UserProfile named(String fullname) {
        return new UserProfile(fullname, null, null, null, null, null);
    }

    /** The rule an optional field breaks, if any: text that is not valid Unicode, or longer than {@code max}. */
    private static Optional<DomainRuleViolation> broken(RuleSubject field, String value, int max) {
        if (value == null) {
            return Optional.empty();
        }
        Optional<DomainRuleViolation> notUnicode = WellFormedText.violation(field, value);
        if (notUnicode.isPresent()) {
            return notUnicode;
        }
        return value.length() > max
                ? Optional.of(new DomainRuleViolation(field, "At most " + max + " characters"))
                : Optional.empty();
    }
}
