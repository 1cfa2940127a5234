package org.parley.application.port.out;

import java.util.Objects;

/**
 * What an {@link AttachmentStore} kept.
 *
 * @param storageKey  the store's own name for the bytes (never client text)
 * @param sizeBytes   how many bytes were stored
 * @param contentType the media type detected from the bytes ({@code application/octet-stream} when unknown)
 */
public record StoredAttachment(String storageKey, long sizeBytes, String contentType) {

    public StoredAttachment {
        Objects.requireNonNull(storageKey, "storageKey");
        Objects.requireNonNull(contentType, "contentType");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
    }
}
