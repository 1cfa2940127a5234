package org.parley.application.port.out;

import java.util.Objects;

/**
 * What an {@link AttachmentStore} kept.
 *
 * @param storageKey the store's own name for the bytes (never client text)
 * @param sizeBytes  how many bytes were stored
 */
public record StoredAttachment(String storageKey, long sizeBytes) {

    public StoredAttachment {
        Objects.requireNonNull(storageKey, "storageKey");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
    }
}
