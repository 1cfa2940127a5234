package org.parley.adapter.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.parley.application.port.out.AttachmentLinkSigner;

/**
 * Signs media links with HMAC-SHA256 under a key derived from the server secret (HMAC of the secret over a fixed
 * label), so that the link key is never the token key itself. Signatures are unpadded base64url.
 */
public final class HmacLinkSigner implements AttachmentLinkSigner {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] LABEL = "parley-media-links".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec key;

    /** @param serverSecret the server's token secret (never logged, never used directly) */
    public HmacLinkSigner(String serverSecret) {
        Objects.requireNonNull(serverSecret, "serverSecret");
        if (serverSecret.isEmpty()) {
            throw new IllegalArgumentException("The server secret is empty");
        }
        byte[] derived = hmac(new SecretKeySpec(serverSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM), LABEL);
        this.key = new SecretKeySpec(derived, ALGORITHM);
    }

    @Override
    public String sign(String data) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, data.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean verify(String data, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        return MessageDigest.isEqual(hmac(key, data.getBytes(StandardCharsets.UTF_8)), given);
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
