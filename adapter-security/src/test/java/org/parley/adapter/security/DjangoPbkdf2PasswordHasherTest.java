package org.parley.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.application.port.out.EncodedPassword;

/**
 * The expected hashes below were computed independently with Python's standard library, which is what Django uses:
 * {@code base64.b64encode(hashlib.pbkdf2_hmac('sha256', password.encode(), salt.encode(), iterations))}.
 */
class DjangoPbkdf2PasswordHasherTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String DJANGO_5_1_HASH =
            "pbkdf2_sha256$870000$Zx3kQ9vLm2Tn8WpR4yHc1a$EY5dwH+EFrUuIdhAEJP6B44xMb6Efp1vPbmmkAI5SnU=";
    private static final String LOW_COUNT_HASH =
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=";
    private static final String NON_ASCII_PASSWORD = "pässwörd-日本-😀";
    private static final String NON_ASCII_HASH =
            "pbkdf2_sha256$1500$seasalt$fkSgD2PgaQrEHxlAupdWyDY/aOsCh/38X56M9skYLVg=";
    private static final String EMPTY_PASSWORD_HASH =
            "pbkdf2_sha256$1000$seasalt$XHfRVmyEZRTCcSbqGP00JKv0fRwYHK0ogjPZdSJxCXk=";

    private final DjangoPbkdf2PasswordHasher hasher = new DjangoPbkdf2PasswordHasher(1_000);

    @Test
    void verifies_a_hash_made_with_djangos_current_iteration_count() {
        assertThat(hasher.matches(PASSWORD, new EncodedPassword(DJANGO_5_1_HASH))).isTrue();
        assertThat(hasher.matches(PASSWORD + " ", new EncodedPassword(DJANGO_5_1_HASH))).isFalse();
    }

    @Test
    void verifies_hashes_with_the_iteration_count_they_record() {
        assertThat(hasher.matches(PASSWORD, new EncodedPassword(LOW_COUNT_HASH))).isTrue();
        assertThat(new DjangoPbkdf2PasswordHasher(5).matches(PASSWORD, new EncodedPassword(LOW_COUNT_HASH))).isTrue();
    }

    @Test
    void encodes_passwords_as_utf8_like_django() {
        assertThat(hasher.matches(NON_ASCII_PASSWORD, new EncodedPassword(NON_ASCII_HASH))).isTrue();
        assertThat(hasher.matches("passwort-日本-😀", new EncodedPassword(NON_ASCII_HASH))).isFalse();
    }

    @Test
    void an_empty_password_never_throws() {
        assertThat(hasher.matches("", new EncodedPassword(EMPTY_PASSWORD_HASH))).isTrue();
        assertThat(hasher.matches("", new EncodedPassword(LOW_COUNT_HASH))).isFalse();
    }

    @Test
    void new_hashes_use_djangos_format_and_verify() {
        EncodedPassword encoded = hasher.hash(PASSWORD);

        assertThat(encoded.value()).matches("pbkdf2_sha256\\$1000\\$[a-zA-Z0-9]{22}\\$[A-Za-z0-9+/]{43}=");
        assertThat(encoded.value()).doesNotContain(PASSWORD);
        assertThat(hasher.matches(PASSWORD, encoded)).isTrue();
        assertThat(hasher.matches("Correct horse battery staple", encoded)).isFalse();
        assertThat(hasher.matches("", encoded)).isFalse();
    }

    @Test
    void hashes_of_one_password_differ_by_their_random_salt() {
        Set<String> salts = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String[] parts = new DjangoPbkdf2PasswordHasher(1).hash(PASSWORD).value().split("\\$");
            salts.add(parts[2]);
            hashes.add(parts[3]);
        }

        assertThat(salts).hasSize(20);
        assertThat(hashes).hasSize(20);
    }

    @Test
    void the_default_is_djangos_iteration_count() {
        assertThat(DjangoPbkdf2PasswordHasher.DEFAULT_ITERATIONS).isEqualTo(870_000);
        assertThat(new DjangoPbkdf2PasswordHasher()).hasToString("DjangoPbkdf2PasswordHasher[iterations=870000]");
    }

    @Test
    void refuses_nonsensical_iteration_counts_and_null_passwords() {
        assertThatThrownBy(() -> new DjangoPbkdf2PasswordHasher(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DjangoPbkdf2PasswordHasher(10_000_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hasher.hash(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "plain",
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a",
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=$extra",
            "pbkdf2_sha1$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA",
            "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuu",
            "pbkdf2_sha256$abc$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$-1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$+1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$0$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$10000001$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$99999999999$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$1000$$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$not base64!",
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhu",
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$",
            // The right key without its padding, and in URL-safe Base64: Django never writes either.
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ",
            "pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8_QEgWKhugQ=",
            "PBKDF2_SHA256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=",
            "!unusable-password-marker"})
    void malformed_or_foreign_encodings_never_match_and_never_throw(String stored) {
        assertThat(hasher.matches(PASSWORD, new EncodedPassword(stored))).isFalse();
        assertThat(hasher.refusesImported(new EncodedPassword(stored))).as("refused for import too").isPresent();
    }

    /**
     * Made by Django 5.2.17 itself (the wheel on this machine, in a virtualenv):
     * {@code settings.configure(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]);
     * django.setup(); make_password("Kyrian's old pässword", salt="Zk3QvN8pLr2xYt6WmB1cHd")} (its default count,
     * 1,000,000), and {@code PBKDF2PasswordHasher().encode("tr0ub4dor&3", "seedsalt1234", iterations=20000)}, the
     * second also recomputed with {@code hashlib.pbkdf2_hmac} as above; {@code check_password} said true for both.
     */
    static final String DJANGO_5_2_PASSWORD = "Kyrian's old pässword";
    static final String DJANGO_5_2_HASH =
            "pbkdf2_sha256$1000000$Zk3QvN8pLr2xYt6WmB1cHd$AJvpVtqs54Pc0dDvviGx2CfLlfcgk1S4pWqM4YEwDjI=";
    static final String OLD_DJANGO_PASSWORD = "tr0ub4dor&3";
    static final String OLD_DJANGO_HASH = "pbkdf2_sha256$20000$seedsalt1234$LyWAQ4seA/4dgDPTFjEJzexJAGa/7dhcjsjL0rirPtI=";

    @Test
    void takes_hashes_made_by_djangos_make_password_and_checks_passwords_against_them() {
        for (String hash : new String[] {DJANGO_5_2_HASH, OLD_DJANGO_HASH, DJANGO_5_1_HASH, LOW_COUNT_HASH,
                NON_ASCII_HASH, hasher.hash(PASSWORD).value()}) {
            assertThat(hasher.refusesImported(new EncodedPassword(hash))).as(hash).isEmpty();
        }
        assertThat(hasher.matches(DJANGO_5_2_PASSWORD, new EncodedPassword(DJANGO_5_2_HASH))).isTrue();
        assertThat(hasher.matches(OLD_DJANGO_PASSWORD, new EncodedPassword(OLD_DJANGO_HASH))).isTrue();
        assertThat(hasher.matches("Kyrian's old password", new EncodedPassword(DJANGO_5_2_HASH))).isFalse();
        assertThat(hasher.refusesImported(new EncodedPassword(
                "pbkdf2_sha256$10000000$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ=")))
                .as("the cap itself").isEmpty();
    }

    @Test
    void a_refusal_says_what_is_wrong_without_repeating_the_value() {
        assertThat(refusal("my secret password")).isEqualTo("Not a password hash Parley can check: expected Django's "
                + "pbkdf2_sha256$<iterations>$<salt>$<hash> (a password itself is never taken here)");
        assertThat(refusal("pa$$word")).doesNotContain("pa$$word").startsWith("Not a password hash Parley can check");
        assertThat(refusal("argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA"))
                .isEqualTo("Django's argon2 hashes are not supported: expected Django's "
                        + "pbkdf2_sha256$<iterations>$<salt>$<hash>");
        assertThat(refusal("bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuu")).startsWith("Django's bcrypt_sha256 hashes");
        assertThat(refusal("pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a"))
                .startsWith("A pbkdf2_sha256 hash has four parts separated by $, this one has 3");
        assertThat(refusal("pbkdf2_sha256$12x$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ="))
                .isEqualTo("The iteration count of a pbkdf2_sha256 hash must be a whole number from 1 to 10000000");
        assertThat(refusal("pbkdf2_sha256$10000001$Zx3kQ9vLm2Tn8WpR4yHc1a$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ="))
                .startsWith("The iteration count");
        assertThat(refusal("pbkdf2_sha256$1000$a b$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ="))
                .startsWith("The salt of a pbkdf2_sha256 hash");
        assertThat(refusal("pbkdf2_sha256$1000$" + "s".repeat(65) + "$1E7Ky8patLDvceKiceitsLIljU66E94p8/QEgWKhugQ="))
                .startsWith("The salt of a pbkdf2_sha256 hash");
        assertThat(refusal("pbkdf2_sha256$1000$Zx3kQ9vLm2Tn8WpR4yHc1a$aGFzaA=="))
                .isEqualTo("The hash of a pbkdf2_sha256 hash must be the Base64 of 32 bytes (44 characters, padded)");
        assertThat(refusal(LOW_COUNT_HASH.substring(0, LOW_COUNT_HASH.length() - 1)))
                .as("the right key, unpadded").startsWith("The hash of a pbkdf2_sha256 hash must be");
    }

    private String refusal(String hash) {
        return hasher.refusesImported(new EncodedPassword(hash)).orElseThrow();
    }

    @Test
    void nulls_never_match() {
        assertThat(hasher.matches(null, new EncodedPassword(LOW_COUNT_HASH))).isFalse();
        assertThat(hasher.matches(PASSWORD, null)).isFalse();
    }
}
