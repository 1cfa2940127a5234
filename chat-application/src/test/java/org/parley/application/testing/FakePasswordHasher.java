package org.parley.application.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;

/**
 * A cheap but honest {@link PasswordHasher} for tests: {@code fake$<salt>$<base64 SHA-256(salt:password)>}, salted
 * so two hashes of one password differ. Any other encoding never matches.
 */
public final class FakePasswordHasher implements PasswordHasher {

    private static final String PREFIX = "fake";
    private final SecureRandom random = new SecureRandom();

    @Override
    public EncodedPassword hash(String rawPassword) {
        if (rawPassword == null) {
            throw new IllegalArgumentException("password is null");
        }
        byte[] saltBytes = new byte[8];
        random.nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        return new EncodedPassword(PREFIX + "$" + salt + "$" + digest(salt, rawPassword));
    }

    @Override
    public boolean matches(String rawPassword, EncodedPassword encoded) {
        if (rawPassword == null || encoded == null) {
            return false;
        }
        String[] parts = encoded.value().split("\\$", -1);
        if (parts.length != 3 || !parts[0].equals(PREFIX) || parts[1].isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(
                digest(parts[1], rawPassword).getBytes(StandardCharsets.US_ASCII),
                parts[2].getBytes(StandardCharsets.US_ASCII));
    }

    /** Takes hashes of its own format ({@code fake$<salt>$<digest>}), as the real hasher takes Django's. */
    @Override
    public Optional<String> refusesImported(EncodedPassword hash) {
        String[] parts = hash.value().split("\\$", -1);
        return parts.length == 3 && parts[0].equals(PREFIX) && !parts[1].isEmpty() && parts[2].length() == 44
                ? Optional.empty()
                : Optional.of("Not a fake$<salt>$<digest> hash");
    }

    private static String digest(String salt, String rawPassword) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha256.digest((salt + ":" + rawPassword).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
