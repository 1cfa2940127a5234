package org.parley.application.service;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.UserDetails;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.UserProfile;

/** Turns client-supplied details into domain values, reporting every broken rule at once, by subject. */
final class UserDetailsValidation {

    static final int MIN_PASSWORD_LENGTH = 8;
    static final int MAX_PASSWORD_LENGTH = 128;

    private final Map<RuleSubject, List<String>> errors = new EnumMap<>(RuleSubject.class);
    private EmailAddress email;
    private UserProfile profile;

    private UserDetailsValidation() {
    }

    static UserDetailsValidation of(UserDetails details) {
        UserDetailsValidation validation = new UserDetailsValidation();
        try {
            validation.email = new EmailAddress(details.email());
        } catch (DomainRuleViolation e) {
            validation.reject(e.subject(), e.getMessage());
        }
        String phoneNumber = blankToNull(details.phoneNumber());
        String countryCode = blankToNull(details.countryCode());
        String gender = blankToNull(details.gender());
        String profilePhoto = blankToNull(details.profilePhoto());
        List<DomainRuleViolation> profileViolations =
                UserProfile.violations(details.fullname(), phoneNumber, countryCode, gender, profilePhoto);
        profileViolations.forEach(violation -> validation.reject(violation.subject(), violation.getMessage()));
        if (profileViolations.isEmpty()) {
            validation.profile = new UserProfile(details.fullname(), phoneNumber, countryCode, gender,
                    details.dateOfBirth(), profilePhoto);
        }
        return validation;
    }

    /** An account type, when one is given ({@code null}: none, nothing to check). */
    UserDetailsValidation checkAccountType(String accountType) {
        if (accountType != null) {
            AccountStatus.accountTypeViolation(accountType.strip())
                    .ifPresent(violation -> reject(violation.subject(), violation.getMessage()));
        }
        return this;
    }

    /**
     * A password hash made elsewhere, when one is given ({@code null}: none): {@code hasher} must be able to check
     * passwords against it.
     */
    UserDetailsValidation checkImportedPassword(String passwordHash, PasswordHasher hasher) {
        if (passwordHash != null) {
            hasher.refusesImported(new EncodedPassword(passwordHash))
                    .ifPresent(problem -> reject(RuleSubject.PASSWORD, problem));
        }
        return this;
    }

    UserDetailsValidation checkPassword(String password) {
        if (password == null || password.isEmpty()) {
            reject(RuleSubject.PASSWORD, "A password is required");
        } else if (password.length() < MIN_PASSWORD_LENGTH) {
            reject(RuleSubject.PASSWORD, "The password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        } else if (password.length() > MAX_PASSWORD_LENGTH) {
            reject(RuleSubject.PASSWORD, "The password can have at most " + MAX_PASSWORD_LENGTH + " characters");
        } else if (password.isBlank()) {
            reject(RuleSubject.PASSWORD, "The password cannot be only spaces");
        }
        return this;
    }

    /** @throws ValidationFailed listing every subject that was rejected */
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

    private void reject(RuleSubject subject, String problem) {
        errors.computeIfAbsent(subject, key -> new ArrayList<>()).add(problem);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
