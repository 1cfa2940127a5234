package org.parley.domain.user;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.parley.domain.DomainRuleViolation;

/**
 * What a user tells others about themselves. Every field but {@code fullname} is optional ({@code null} when unknown),
 * matching the seed's user object.
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
            violations.add(new DomainRuleViolation("fullname", "A full name is required"));
        } else {
            tooLong("fullname", fullname.strip(), MAX_NAME_LENGTH).ifPresent(violations::add);
        }
        tooLong("phone_number", phoneNumber, MAX_SHORT_FIELD_LENGTH).ifPresent(violations::add);
        tooLong("country_code", countryCode, MAX_SHORT_FIELD_LENGTH).ifPresent(violations::add);
        tooLong("gender", gender, MAX_SHORT_FIELD_LENGTH).ifPresent(violations::add);
        tooLong("profile_photo", profilePhoto, MAX_PHOTO_LENGTH).ifPresent(violations::add);
        return violations;
    }

    public static UserProfile named(String fullname) {
        return new UserProfile(fullname, null, null, null, null, null);
    }

    private static Optional<DomainRuleViolation> tooLong(String field, String value, int max) {
        return value != null && value.length() > max
                ? Optional.of(new DomainRuleViolation(field, "At most " + max + " characters"))
                : Optional.empty();
    }
}
