package org.parley.domain.chat;

import java.util.Objects;

import org.parley.domain.RuleSubject;
import org.parley.domain.WellFormedText;

/**
 * A stored file attached to a message.
 *
 * @param storageKey  the server-chosen name under which the attachment store keeps the bytes (never client text)
 * @param fileName    the name the sender gave the file: data to show, never part of a path; valid Unicode
 * @param sizeBytes   the exact size of the stored bytes
 * @param contentType the media type detected from the bytes
 */
public record Attachment(String storageKey, String fileName, long sizeBytes, String contentType) {

    public Attachment {
        Objects.requireNonNull(storageKey, "storageKey");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        if (storageKey.isBlank()) {
            throw new IllegalArgumentException("storageKey is blank");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
        WellFormedText.require(RuleSubject.ATTACHMENT_NAME, fileName);
    }
}
