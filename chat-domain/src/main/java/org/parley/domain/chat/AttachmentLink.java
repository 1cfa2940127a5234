package org.parley.domain.chat;

import java.util.Objects;

/**
 * A permission to read one message's attachment until a moment, proven by a signature: what a download link carries,
 * not the link itself (the route and its format belong to the adapter that serves the bytes). The application signs
 * it; whoever presents the same four values before {@code expiresEpochSecond} may read the file.
 *
 * @param message            the file message
 * @param storageKey         the attachment's key in the attachment store (never client text)
 * @param expiresEpochSecond the last second, in Unix epoch seconds, in which the link is valid
 * @param signature          the signature over the three values above (URL-safe text)
 */
public record AttachmentLink(MessageId message, String storageKey, long expiresEpochSecond, String signature) {

    public AttachmentLink {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(storageKey, "storageKey");
        Objects.requireNonNull(signature, "signature");
        if (storageKey.isBlank() || signature.isBlank()) {
            throw new IllegalArgumentException("An attachment link needs a storage key and a signature");
        }
    }
}
