package org.parley.adapter.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcType;
import org.hibernate.type.descriptor.jdbc.LocalDateJdbcType;

/** A row of {@code users}: a user and their password hash. Only {@link UserMapper} turns it into domain values. */
@Entity
@Table(name = "users")
class UserEntity {

    @Id
    @Column(name = "id", nullable = false, updatable = false)
    UUID id;

    @Column(name = "email", nullable = false)
    String email;

    @Column(name = "email_normalized", nullable = false)
    String emailNormalized;

    @Column(name = "password")
    String password;

    @Column(name = "fullname", nullable = false)
    String fullname;

    @Column(name = "phone_number")
    String phoneNumber;

    @Column(name = "country_code")
    String countryCode;

    @Column(name = "gender")
    String gender;

    /**
     * Bound and read as a {@link LocalDate} by the driver, as {@link UserRows} reads it: Hibernate's default goes
     * through {@code java.sql.Date}, whose Julian calendar before 1582-10-15 stored another day than the one given
     * (1000-02-28 became 1000-03-05 on H2) and failed to read some back on PostgreSQL (JdbcReadEdgesTest).
     */
    @Column(name = "date_of_birth")
    @JdbcType(LocalDateJdbcType.class)
    LocalDate dateOfBirth;

    @Column(name = "profile_photo")
    String profilePhoto;

    @Column(name = "account_type", nullable = false)
    String accountType;

    @Column(name = "is_active", nullable = false)
    boolean active;

    @Column(name = "is_email_verified", nullable = false)
    boolean emailVerified;

    @Column(name = "is_phone_verified", nullable = false)
    boolean phoneVerified;

    @Column(name = "is_profile_complete", nullable = false)
    boolean profileComplete;

    @Column(name = "is_staff", nullable = false)
    boolean staff;

    @Column(name = "is_admin", nullable = false)
    boolean admin;

    @Column(name = "is_superuser", nullable = false)
    boolean superuser;

    @Column(name = "last_login")
    Instant lastLogin;

    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    /** For Hibernate. */
    UserEntity() {
    }
}
