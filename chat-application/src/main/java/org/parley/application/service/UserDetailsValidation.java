package org.parley.application.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.UserDetails;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.UserProfile;

/** Turns client-supplied details into domain values, reporting every broken field at once. */
final class UserDetailsValidation {

    static final int MIN_PASSWORD_LENGTH = 8;
    static final int MAX_PASSWORD_LENGTH = 128;
    private static final String PLACEHOLDER_NAME = "placeholder";

    private final Map<String, List<String>> errors = new LinkedHashMap<>();
    private EmailAddress email;
    private UserProfile profile;

    private UserDetailsValidation() {
    }

    static UserDetailsValidation of(UserDetails details) {
        UserDetailsValidation validation = new UserDetailsValidation();
        try {
            validation.email = new EmailAddress(details.email());
        } catch (DomainRuleViolation e) {
            validation.reject(e.field(), e.getMessage());
        }
        String phoneNumber = blankToNull(details.phoneNumber());
        String countryCode = blankToNull(details.countryCode());
        String gender = blankToNull(details.gender());
        // UserProfile stops at its first broken field: check each field on its own so that every one is reported.
        boolean profileValid = validation.accepts(() -> UserProfile.named(details.fullname()))
                & validation.accepts(() -> new UserProfile(PLACEHOLDER_NAME, phoneNumber, null, null, null, null))
                & validation.accepts(() -> new UserProfile(PLACEHOLDER_NAME, null, countryCode, null, null, null))
                & validation.accepts(() -> new UserProfile(PLACEHOLDER_NAME, null, null, gender, null, null));
        if (profileValid) {
            validation.profile = new UserProfile(details.fullname(), phoneNumber, countryCode, gender,
                    details.dateOfBirth(), null);
        }
        return validation;
    }

    private boolean accepts(Supplier<UserProfile> check) {
        try {
            check.get();
            return true;
        } catch (DomainRuleViolation e) {
            reject(e.field(), e.getMessage());
            return false;
        }
    }

    UserDetailsValidation checkPassword(String password) {
        if (password == null || password.isEmpty()) {
            reject("password", "A password is required");
        } else if (password.length() < MIN_PASSWORD_LENGTH) {
            reject("password", "The password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        } else if (password.length() > MAX_PASSWORD_LENGTH) {
            reject("password", "The password can have at most " + MAX_PASSWORD_LENGTH + " characters");
        } else if (password.isBlank()) {
            reject("password", "The password cannot be only spaces");
        }
        return this;
    }

    /** @throws ValidationFailed listing every field that was rejected */
    UserDetailsValidation orThrow() {
        if (!errors.isEmpty()) {
            throw new ValidationFailed("Some fields are invalid", errors);
        }
        return this;
    }

    EmailAddress email() {
        return email;
    }

    UserProfile profile() {
        return profile;
    }

    private void reject(String field, String problem) {
        errors.computeIfAbsent(field, key -> new java.util.ArrayList<>()).add(problem);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
