package org.parley.adapter.rest;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import org.parley.application.port.in.UpsertUserFromBackend;
import org.parley.application.port.in.UserDetails;
import org.parley.domain.user.UserId;

/** The JSON bodies the API reads, and the checks of their values that JSON types alone cannot express. */
final class RequestBodies {

    /** {@code YYYY-MM-DD} in ASCII digits ({@code \d} in a Java regular expression). */
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** A path on the backend's host: {@code /} then no second {@code /} (that would name another host), no blanks. */
    private static final Pattern PHOTO_PATH = Pattern.compile("/(?!/)[^\\s]*");

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

    /**
     * {@code PUT /admin/users/<uuid>/}: the profile fields replace the stored profile; {@code is_active},
     * {@code is_email_verified}, {@code is_phone_verified}, {@code account_type} and {@code password} (a Django hash,
     * contract §17) absent or {@code null} keep what is stored.
     */
    record BackendUser(
            @JsonProperty("email") String email,
            @JsonProperty("fullname") String fullname,
            @JsonProperty("phone_number") String phoneNumber,
            @JsonProperty("country_code") String countryCode,
            @JsonProperty("gender") String gender,
            @JsonProperty("date_of_birth") String dateOfBirth,
            @JsonProperty("profile_photo") String profilePhoto,
            @JsonProperty("is_active") Boolean active,
            @JsonProperty("is_email_verified") Boolean emailVerified,
            @JsonProperty("is_phone_verified") Boolean phoneVerified,
            @JsonProperty("account_type") String accountType,
            @JsonProperty("password") String password) {

        UpsertUserFromBackend.Command command(UserId id) {
            UserDetails details = new UserDetails(email, fullname, phoneNumber, countryCode, gender,
                    parseDateOfBirth(dateOfBirth), parseProfilePhoto(profilePhoto));
            return new UpsertUserFromBackend.Command(id, details, active, password, emailVerified, phoneVerified,
                    accountType);
        }

        @Override
        public String toString() {
            return "BackendUser[email=" + email + ", password=" + (password == null ? "absent" : "***") + "]";
        }
    }

    /**
     * A link to a profile photo, as Django's REST framework renders an {@code ImageField}: an absolute {@code http(s)}
     * URL, or a path on the backend starting with {@code /} (e.g. {@code /media/profile/a.png}); blank or absent is
     * "none". Its length is the domain's rule.
     *
     * @throws InvalidFields ({@code errors.profile_photo}) for anything else
     */
    static String parseProfilePhoto(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String link = text.strip();
        if (PHOTO_PATH.matcher(link).matches()) {
            return link;
        }
        try {
            URI uri = new URI(link);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return link;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw InvalidFields.of("profile_photo", "Expected an http(s) URL or a path starting with /");
    }
}
