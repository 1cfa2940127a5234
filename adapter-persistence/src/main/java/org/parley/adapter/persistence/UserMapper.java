package org.parley.adapter.persistence;

import java.util.Optional;

import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.domain.WellFormedText;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * Maps between accounts and users of the domain and rows of {@code users}. Like {@link MessageMapper}, reading
 * replaces each unpaired UTF-16 surrogate of a text column (possible only in rows H2 stored before Parley refused them)
 * with U+FFFD, so that every stored user can be turned into a domain user and rendered.
 */
final class UserMapper {

    private UserMapper() {
    }

    /** A new row for this account, password included. */
    static UserEntity toEntity(Account account) {
        UserEntity entity = new UserEntity();
        User user = account.user();
        entity.id = user.id().value();
        entity.password = account.password().map(EncodedPassword::value).orElse(null);
        entity.lastLogin = StoredInstants.toColumn(user.lastLogin());
        entity.createdAt = StoredInstants.toColumn(user.createdAt());
        copyDetails(user, entity);
        return entity;
    }

    /**
     * Copies what {@code UserAccounts.update} replaces (e-mail, profile, status, {@code updatedAt}) onto a row;
     * the id, credentials, creation time and last log-in stay as they are.
     */
    static void copyDetails(User user, UserEntity entity) {
        entity.email = user.email().value();
        entity.emailNormalized = user.email().normalized();
        UserProfile profile = user.profile();
        entity.fullname = profile.fullname();
        entity.phoneNumber = profile.phoneNumber();
        entity.countryCode = profile.countryCode();
        entity.gender = profile.gender();
        entity.dateOfBirth = profile.dateOfBirth();
        entity.profilePhoto = profile.profilePhoto();
        AccountStatus status = user.status();
        entity.accountType = status.accountType();
        entity.active = status.active();
        entity.emailVerified = status.emailVerified();
        entity.phoneVerified = status.phoneVerified();
        entity.profileComplete = status.profileComplete();
        entity.staff = status.staff();
        entity.admin = status.admin();
        entity.superuser = status.superuser();
        entity.updatedAt = StoredInstants.toColumn(user.updatedAt());
    }

    static User toUser(UserEntity entity) {
        return new User(
                new UserId(entity.id),
                new EmailAddress(repaired(entity.email)),
                new UserProfile(repaired(entity.fullname), repaired(entity.phoneNumber), repaired(entity.countryCode),
                        repaired(entity.gender), entity.dateOfBirth, repaired(entity.profilePhoto)),
                new AccountStatus(repaired(entity.accountType), entity.active, entity.emailVerified,
                        entity.phoneVerified, entity.profileComplete, entity.staff, entity.admin, entity.superuser),
                entity.lastLogin,
                entity.createdAt,
                entity.updatedAt);
    }

    static Account toAccount(UserEntity entity) {
        return new Account(toUser(entity), Optional.ofNullable(entity.password).map(EncodedPassword::new));
    }

    private static String repaired(String column) {
        return WellFormedText.replaceUnpairedSurrogates(column);
    }
}
