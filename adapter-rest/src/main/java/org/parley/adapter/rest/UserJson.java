package org.parley.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.User;
import org.parley.domain.user.UserProfile;

/**
 * The seed's user object without {@code password}, {@code groups} and {@code user_permissions} (contract §1).
 *
 * <p>Unknown values: the text fields the seed always shows as strings ({@code gender}, {@code country_code},
 * {@code phone_number}) are {@code ""} when unknown, as the seed's Django backend writes them (its admin user has
 * {@code "country_code": ""}); {@code last_login}, {@code date_of_birth} and {@code profile_photo} are {@code null}.
 */
record UserJson(
        @JsonProperty("id") String id,
        @JsonProperty("last_login") String lastLogin,
        @JsonProperty("gender") String gender,
        @JsonProperty("email") String email,
        @JsonProperty("fullname") String fullname,
        @JsonProperty("country_code") String countryCode,
        @JsonProperty("phone_number") String phoneNumber,
        @JsonProperty("is_email_verified") boolean emailVerified,
        @JsonProperty("is_phone_verified") boolean phoneVerified,
        @JsonProperty("is_active") boolean active,
        @JsonProperty("is_staff") boolean staff,
        @JsonProperty("is_admin") boolean admin,
        @JsonProperty("is_superuser") boolean superuser,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("account_type") String accountType,
        @JsonProperty("date_of_birth") String dateOfBirth,
        @JsonProperty("profile_photo") String profilePhoto,
        @JsonProperty("is_profile_complete") boolean profileComplete) {

    static UserJson of(User user) {
        UserProfile profile = user.profile();
        AccountStatus status = user.status();
        return new UserJson(
                user.id().toString(),
                WireFormat.timestamp(user.lastLogin()),
                orEmpty(profile.gender()),
                user.email().value(),
                profile.fullname(),
                orEmpty(profile.countryCode()),
                orEmpty(profile.phoneNumber()),
                status.emailVerified(),
                status.phoneVerified(),
                status.active(),
                status.staff(),
                status.admin(),
                status.superuser(),
                WireFormat.timestamp(user.createdAt()),
                WireFormat.timestamp(user.updatedAt()),
                status.accountType(),
                WireFormat.date(profile.dateOfBirth()),
                profile.profilePhoto(),
                status.profileComplete());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
