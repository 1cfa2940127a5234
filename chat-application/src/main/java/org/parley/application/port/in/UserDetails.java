package org.parley.application.port.in;

import java.time.LocalDate;

/**
 * Profile fields as a client sends them (any may be {@code null}); the use cases validate them into domain values.
 */
public record UserDetails(
        String email,
        String fullname,
        String phoneNumber,
        String countryCode,
        String gender,
        LocalDate dateOfBirth) {
}
