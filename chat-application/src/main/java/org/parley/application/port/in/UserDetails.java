package org.parley.application.port.in;

import java.time.LocalDate;

/**
 * Profile fields as a client sends them (any may be {@code null}); the use cases validate them into domain values.
 *
 * @param profilePhoto a link to the user's photo; only a backend sets it ({@link UpsertUserFromBackend}), a
 *                     registration has none
 */
public record UserDetails(
        String email,
        String fullname,
        String phoneNumber,
        String countryCode,
        String gender,
        LocalDate dateOfBirth,
        String profilePhoto) {

    /** Without a photo, as a registration gives them. */
    public UserDetails(String email, String fullname, String phoneNumber, String countryCode, String gender,
                       LocalDate dateOfBirth) {
        this(email, fullname, phoneNumber, countryCode, gender, dateOfBirth, null);
    }
}
