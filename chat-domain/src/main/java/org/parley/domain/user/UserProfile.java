package org.parley.domain.user;

import java.time.LocalDate;

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

    public UserProfile {
        if (fullname == null || fullname.isBlank()) {
            throw new DomainRuleViolation("fullname", "A full name is required");
        }
        fullname = fullname.strip();
        requireLength("fullname", fullname, MAX_NAME_LENGTH);
        requireLength("phone_number", phoneNumber, MAX_SHORT_FIELD_LENGTH);
        requireLength("country_code", countryCode, MAX_SHORT_FIELD_LENGTH);
        requireLength("gender", gender, MAX_SHORT_FIELD_LENGTH);
        requireLength("profile_photo", profilePhoto, 1024);
    }

    public static UserProfile named(String fullname) {
        return new UserProfile(fullname, null, null, null, null, null);
    }

    private static void requireLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new DomainRuleViolation(field, "At most " + max + " characters");
        }
    }
}
