package org.parley.adapter.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.parley.domain.WellFormedText;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * Users read from {@code users} with plain JDBC on the caller's connection and mapped straight to domain users, for the
 * hot look-ups by id (every websocket handshake of a user not cached, and the users of a page or thread list). Each
 * column is read as {@link UserMapper} reads the same column of a {@link UserEntity}: UUIDs as objects, the date of
 * birth as a {@link LocalDate}, the {@code TIMESTAMP(6) WITH TIME ZONE} instants through {@link OffsetDateTime} (so
 * microseconds are kept; {@code last_login} may be NULL), and each text column with its unpaired UTF-16 surrogates
 * replaced by U+FFFD (H2 rows written before Parley refused them). So a user read here equals the user Hibernate reads
 * from the same row (RowsReadWithJdbcTest). The password and {@code email_normalized} are not read: a
 * {@link User} carries neither (log-in, which needs the password, reads through Hibernate).
 */
final class UserRows {

    /** The columns a {@link User} is made of, in the order {@link #read} takes them, qualified by the alias {@code u}. */
    static final String COLUMNS_OF_U = "u.id, u.email, u.fullname, u.phone_number, u.country_code, u.gender, "
            + "u.date_of_birth, u.profile_photo, u.account_type, u.is_active, u.is_email_verified, "
            + "u.is_phone_verified, u.is_profile_complete, u.is_staff, u.is_admin, u.is_superuser, u.last_login, "
            + "u.created_at, u.updated_at";
    /** One user by primary key ({@code pk_users}). */
    static final String BY_ID = "select " + COLUMNS_OF_U + " from users u where u.id = ?";
    /**
     * Several users by primary key, the ids as one {@code UUID} array: one SQL text whatever their number (a probe of
     * {@code pk_users} per id on both databases).
     */
    static final String BY_IDS = "select " + COLUMNS_OF_U + " from users u where u.id = any(?)";

    private UserRows() {
    }

    /** The user with this id, if stored: one statement. */
    static Optional<User> findById(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_ID)) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    /** The stored users among {@code ids} (distinct, at least one), by id: one statement. */
    static Map<UserId, User> findAllById(Connection connection, UUID[] ids) throws SQLException {
        Map<UserId, User> users = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(BY_IDS)) {
            Array array = connection.createArrayOf("uuid", ids);
            select.setArray(1, array);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    User user = read(rows);
                    users.put(user.id(), user);
                }
            } finally {
                array.free();
            }
        }
        return users;
    }

    /** The user at the cursor of {@code rows}, selected as {@link #COLUMNS_OF_U}. */
    static User read(ResultSet rows) throws SQLException {
        return new User(
                new UserId(rows.getObject(1, UUID.class)),
                new EmailAddress(text(rows, 2)),
                new UserProfile(text(rows, 3), text(rows, 4), text(rows, 5), text(rows, 6),
                        rows.getObject(7, LocalDate.class), text(rows, 8)),
                new AccountStatus(text(rows, 9), rows.getBoolean(10), rows.getBoolean(11), rows.getBoolean(12),
                        rows.getBoolean(13), rows.getBoolean(14), rows.getBoolean(15), rows.getBoolean(16)),
                instant(rows, 17),
                instant(rows, 18),
                instant(rows, 19));
    }

    private static String text(ResultSet rows, int column) throws SQLException {
        return WellFormedText.replaceUnpairedSurrogates(rows.getString(column));
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
