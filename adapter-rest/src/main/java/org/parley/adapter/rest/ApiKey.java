package org.parley.adapter.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API key. Only its SHA-256 digest is kept, and a presented key is compared digest to digest with
 * {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the key's length or content.
 */
final class ApiKey {

    private final byte[] digest;

    ApiKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("The admin API key is blank");
        }
        this.digest = sha256(key);
    }

    boolean matches(String presented) {
        return MessageDigest.isEqual(digest, sha256(presented == null ? "" : presented)) && presented != null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKey[***]";
    }
}
