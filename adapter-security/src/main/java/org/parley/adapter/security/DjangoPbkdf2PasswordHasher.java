package org.parley.adapter.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;

/**
 * {@link PasswordHasher} in Django's {@code pbkdf2_sha256$<iterations>$<salt>$<base64 hash>} format (PBKDF2 with
 * HMAC-SHA256, a 32-byte key, a 22-character salt from {@code [a-zA-Z0-9]}), so that passwords move between Parley and
 * a Django database in both directions.
 *
 * <p>New hashes use the configured iteration count; a stored hash is checked with the count it records, so hashes
 * from older Django versions (fewer iterations) keep working. Counts above {@value #MAX_ITERATIONS} are refused rather
 * than computed, so a crafted stored value cannot make a login burn minutes of CPU. Production should keep
 * {@link #DEFAULT_ITERATIONS}; lower counts exist for tests.
 *
 * <p>{@link #refusesImported} takes a hash made by Django's {@code make_password} (its default hasher,
 * {@code PBKDF2PasswordHasher}): {@code pbkdf2_sha256}, an iteration count from 1 to {@value #MAX_ITERATIONS}
 * (Django 5.2 makes 1,000,000; the cap is the most this class ever derives for one log-in, which also bounds the CPU
 * a log-in attempt against an imported hash can cost), a salt of 1 to {@value #MAX_SALT_LENGTH} printable ASCII
 * characters other than {@code $} (Django's are 22 letters and digits, older versions' 12), and the Base64 of a
 * 32-byte key as Django writes it (padded: 44 characters). Django's other hashers ({@code argon2},
 * {@code bcrypt_sha256}, {@code scrypt}, …) are refused.
 */
public final class DjangoPbkdf2PasswordHasher implements PasswordHasher {

    /** Django 5.1's iteration count for {@code pbkdf2_sha256}. */
    public static final int DEFAULT_ITERATIONS = 870_000;
    /** The largest iteration count a stored hash may ask for. */
    public static final int MAX_ITERATIONS = 10_000_000;

    /** The longest salt an imported hash may have. */
    public static final int MAX_SALT_LENGTH = 64;

    static final String ALGORITHM = "pbkdf2_sha256";
    /** Django's other password hashers' algorithm names (django.contrib.auth.hashers), named in a refusal. */
    private static final Set<String> OTHER_DJANGO_ALGORITHMS = Set.of("pbkdf2_sha1", "argon2", "bcrypt_sha256",
            "bcrypt", "scrypt", "sha1", "md5", "unsalted_sha1", "unsalted_md5", "crypt");
    private static final String EXPECTED = "expected Django's pbkdf2_sha256$<iterations>$<salt>$<hash>";
    private static final String JDK_ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int KEY_BYTES = 32;
    /** The length of {@link #KEY_BYTES} in padded Base64, as Django writes it. */
    private static final int ENCODED_KEY_LENGTH = 44;
    private static final int SALT_LENGTH = 22;
    private static final String SALT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param iterations the PBKDF2 iteration count for new hashes, from 1 to {@value #MAX_ITERATIONS}; keep
     *                   {@link #DEFAULT_ITERATIONS} in production
     */
    public DjangoPbkdf2PasswordHasher(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS + ", got " + iterations);
        }
        this.iterations = iterations;
    }

    /** A hasher with {@link #DEFAULT_ITERATIONS}. */
    public DjangoPbkdf2PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    @Override
    public EncodedPassword hash(String rawPassword) {
        if (rawPassword == null) {
            throw new IllegalArgumentException("A password to hash is required");
        }
        String salt = newSalt();
        byte[] key = derive(rawPassword, salt, iterations);
        return new EncodedPassword(ALGORITHM + "$" + iterations + "$" + salt + "$" + Base64.getEncoder().encodeToString(key));
    }

    @Override
    public boolean matches(String rawPassword, EncodedPassword encoded) {
        if (rawPassword == null || encoded == null) {
            return false;
        }
        try {
            String[] parts = encoded.value().split("\\$", -1);
            if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
                return false;
            }
            int storedIterations = parseIterations(parts[1]);
            String salt = parts[2];
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (storedIterations < 1 || salt.isEmpty() || parts[3].length() != ENCODED_KEY_LENGTH
                    || expected.length != KEY_BYTES) {
                return false;
            }
            return MessageDigest.isEqual(derive(rawPassword, salt, storedIterations), expected);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /**
     * Why {@code hash} is not a Django {@code pbkdf2_sha256} hash this class can check passwords against (the first
     * problem found), or empty. Never derives a key. The text never repeats the value, which may be a password sent by
     * mistake.
     */
    @Override
    public Optional<String> refusesImported(EncodedPassword hash) {
        String[] parts = hash.value().split("\\$", -1);
        if (!parts[0].equals(ALGORITHM)) {
            return Optional.of(OTHER_DJANGO_ALGORITHMS.contains(parts[0]) && parts.length > 1
                    ? "Django's " + parts[0] + " hashes are not supported: " + EXPECTED
                    : "Not a password hash Parley can check: " + EXPECTED + " (a password itself is never taken here)");
        }
        if (parts.length != 4) {
            return Optional.of("A pbkdf2_sha256 hash has four parts separated by $, this one has " + parts.length
                    + ": " + EXPECTED);
        }
        if (parseIterations(parts[1]) < 1) {
            return Optional.of("The iteration count of a pbkdf2_sha256 hash must be a whole number from 1 to "
                    + MAX_ITERATIONS);
        }
        String salt = parts[2];
        if (salt.isEmpty() || salt.length() > MAX_SALT_LENGTH
                || !salt.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            return Optional.of("The salt of a pbkdf2_sha256 hash must be 1 to " + MAX_SALT_LENGTH
                    + " printable ASCII characters other than $ and space");
        }
        try {
            // Django writes the key padded, 44 characters; an unpadded one would never verify in Django.
            if (parts[3].length() == ENCODED_KEY_LENGTH && Base64.getDecoder().decode(parts[3]).length == KEY_BYTES) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException notBase64) {
            // refused below
        }
        return Optional.of("The hash of a pbkdf2_sha256 hash must be the Base64 of " + KEY_BYTES + " bytes ("
                + ENCODED_KEY_LENGTH + " characters, padded)");
    }

    /** The count when it is a plain decimal from 1 to {@link #MAX_ITERATIONS}, else -1. */
    private static int parseIterations(String text) {
        if (text.isEmpty() || text.length() > 8 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int value = Integer.parseInt(text);
        return value <= MAX_ITERATIONS ? value : -1;
    }

    private String newSalt() {
        char[] salt = new char[SALT_LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = SALT_ALPHABET.charAt(random.nextInt(SALT_ALPHABET.length()));
        }
        return new String(salt);
    }

    private static byte[] derive(String rawPassword, String salt, int iterationCount) {
        char[] password = rawPassword.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(password, salt.getBytes(StandardCharsets.UTF_8), iterationCount, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(JDK_ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(JDK_ALGORITHM + " failed", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(password, '\0');
        }
    }

    @Override
    public String toString() {
        return "DjangoPbkdf2PasswordHasher[iterations=" + iterations + "]";
    }
}
