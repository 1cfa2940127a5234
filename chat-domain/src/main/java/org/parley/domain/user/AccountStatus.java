package org.parley.domain.user;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;

/**
 * The flags of an account that the seed's user object exposes. Only {@code active} changes what a user may do.
 *
 * @param accountType the seed's {@code account_type} ({@code user} for a registration): a backend's own word, kept as
 *                    given; not blank, at most {@value #MAX_ACCOUNT_TYPE_LENGTH} characters, valid Unicode
 */
public record AccountStatus(
        String accountType,
        boolean active,
        boolean emailVerified,
        boolean phoneVerified,
        boolean profileComplete,
        boolean staff,
        boolean admin,
        boolean superuser) {

    public static final int MAX_ACCOUNT_TYPE_LENGTH = 64;

    public AccountStatus {
        Objects.requireNonNull(accountType, "accountType");
        Optional<DomainRuleViolation> violation = accountTypeViolation(accountType);
        if (violation.isPresent()) {
            throw violation.get();
        }
    }

    /** An ordinary, active account of type {@code user}, as a fresh registration gets. */
    public static AccountStatus activeUser() {
        return new AccountStatus("user", true, false, false, false, false, false, false);
    }

    /** The rule {@code accountType} breaks, if any (for a caller collecting every broken rule of a form). */
    public static Optional<DomainRuleViolation> accountTypeViolation(String accountType) {
        if (accountType == null || accountType.isBlank()) {
            return Optional.of(new DomainRuleViolation(RuleSubject.ACCOUNT_TYPE, "An account type cannot be blank"));
        }
        Optional<DomainRuleViolation> notUnicode = WellFormedText.violation(RuleSubject.ACCOUNT_TYPE, accountType);
        if (notUnicode.isPresent()) {
            return notUnicode;
        }
        return accountType.length() > MAX_ACCOUNT_TYPE_LENGTH
                ? Optional.of(new DomainRuleViolation(RuleSubject.ACCOUNT_TYPE,
                        "At most " + MAX_ACCOUNT_TYPE_LENGTH + " characters"))
                : Optional.empty();
    }

    public AccountStatus withActive(boolean isActive) {
        return new AccountStatus(accountType, isActive, emailVerified, phoneVerified, profileComplete, staff, admin, superuser);
    }

    /** This status with whether the e-mail address and the phone number were verified (by the backend). */
    public AccountStatus withVerified(boolean email, boolean phone) {
        return new AccountStatus(accountType, active, email, phone, profileComplete, staff, admin, superuser);
    }

    /** This status with another account type. */
    public AccountStatus withAccountType(String type) {
        return new AccountStatus(type, active, emailVerified, phoneVerified, profileComplete, staff, admin, superuser);
    }
}
