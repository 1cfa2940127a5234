package org.parley.application.port.out;

import java.time.Instant;
import java.util.Objects;

/**
 * A file an {@link AttachmentStore} holds, as its listing names it.
 *
 * @param storageKey   the store's key for the bytes (what a file message names)
 * @param sizeBytes    how many bytes it holds
 * @param lastModified when its bytes were last written: for a completed upload, when its last byte was written
 */
public record StoredFile(String storageKey, long sizeBytes, Instant lastModified) {

    public StoredFile {
        Objects.requireNonNull(storageKey, "storageKey");
        Objects.requireNonNull(lastModified, "lastModified");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
    }
}
