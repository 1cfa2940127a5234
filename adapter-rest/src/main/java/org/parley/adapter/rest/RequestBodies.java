package org.parley.adapter.rest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import org.parley.application.port.in.UserDetails;

/** The JSON bodies the API reads, and the checks of their values that JSON types alone cannot express. */
final class RequestBodies {

    /** {@code YYYY-MM-DD} in ASCII digits ({@code \d} in a Java regular expression). */
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private RequestBodies() {
    }

    /** The body of a request that needs one: a JSON {@code null} or an empty body is refused as {@code invalid_json}. */
    static <T> T required(T body) {
        if (body == null) {
            throw new InvalidRequestBody("A JSON object is required as the request body");
        }
        return body;
    }

    /**
     * {@code YYYY-MM-DD} with a year from 0001 to 9999, the dates Django's {@code DateField} (Python's {@code date})
     * accepts; blank or absent is "unknown". {@link LocalDate#parse} alone would also take years such as
     * {@code +999999999} or {@code 0000}, which PostgreSQL's {@code date} cannot hold (its range ends in 5874897).
     */
    static LocalDate parseDateOfBirth(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String date = text.strip();
        try {
            LocalDate parsed = LocalDate.parse(date);
            if (ISO_DATE.matcher(date).matches() && parsed.getYear() >= 1) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw InvalidFields.of("date_of_birth", "Date has wrong format. Use YYYY-MM-DD.");
    }

    /** {@code POST /auth/register/}. */
    record Register(
            @JsonProperty("email") String email,
            @JsonProperty("password") String password,
            @JsonProperty("fullname") String fullname,
            @JsonProperty("phone_number") String phoneNumber,
            @JsonProperty("country_code") String countryCode,
            @JsonProperty("gender") String gender,
            @JsonProperty("date_of_birth") String dateOfBirth) {

        UserDetails details() {
            return new UserDetails(email, fullname, phoneNumber, countryCode, gender, parseDateOfBirth(dateOfBirth));
        }

        @Override
        public String toString() {
            return "Register[email=" + email + ", password=***]";
        }
    }

    /** {@code POST /chat/thread/<id>/seen/} (contract §11). */
    record Seen(@JsonProperty("message_id") JsonNode messageIdNode) {

        /**
         * A positive whole number, or a string holding one (as the websocket accepts ids).
         *
         * @throws InvalidFields ({@code errors.message_id}) otherwise
         */
        long messageId() {
            JsonNode node = messageIdNode;
            long id = 0;
            if (node != null && node.canConvertToExactIntegral() && node.canConvertToLong()) {
                id = node.longValue();
            } else if (node != null && node.isTextual()) {
                try {
                    id = Long.parseLong(node.textValue().strip());
                } catch (NumberFormatException e) {
                    id = 0;
                }
            }
            if (id < 1) {
                throw InvalidFields.of("message_id", "message_id is required and must be a message id");
            }
            return id;
        }
    }

    /** {@code POST /auth/token/}. */
    record Credentials(@JsonProperty("email") String email, @JsonProperty("password") String password) {
        @Override
        public String toString() {
            return "Credentials[email=" + email + ", password=***]";
        }
    }

    /** {@code POST /auth/token/refresh/}. */
    record Refresh(@JsonProperty("refresh") String refresh) {
        @Override
        public String toString() {
            return "Refresh[***]";
        }
    }

    /** {@code PUT /admin/users/<uuid>/}; {@code is_active} absent keeps the current state. */
    record BackendUser(
            @JsonProperty("email") String email,
            @JsonProperty("fullname") String fullname,
            @JsonProperty("phone_number") String phoneNumber,
            @JsonProperty("country_code") String countryCode,
            @JsonProperty("gender") String gender,
            @JsonProperty("date_of_birth") String dateOfBirth,
            @JsonProperty("is_active") Boolean active) {

        UserDetails details() {
            return new UserDetails(email, fullname, phoneNumber, countryCode, gender, parseDateOfBirth(dateOfBirth));
        }
    }
}
