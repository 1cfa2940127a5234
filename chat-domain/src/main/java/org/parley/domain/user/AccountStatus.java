package org.parley.domain.user;

import java.util.Objects;

/** The flags of an account that the seed's user object exposes. Only {@code active} changes what a user may do. */
public record AccountStatus(
        String accountType,
        boolean active,
        boolean emailVerified,
        boolean phoneVerified,
        boolean profileComplete,
        boolean staff,
        boolean admin,
        boolean superuser) {

    public AccountStatus {
        Objects.requireNonNull(accountType, "accountType");
    }

    /** An ordinary, active account of type {@code user}, as a fresh registration gets. */
    public static AccountStatus activeUser() {
        return new AccountStatus("user", true, false, false, false, false, false, false);
    }

    public AccountStatus withActive(boolean isActive) {
        return new AccountStatus(accountType, isActive, emailVerified, phoneVerified, profileComplete, staff, admin, superuser);
    }
}
