package org.parley.adapter.rest;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP API is configured.
 *
 * @param adminApiKey the key a trusted backend sends in {@code X-Api-Key} to use {@code /admin/…}; when empty the
 *                    admin API does not exist (every admin path answers 404). A blank key is refused, so that an
 *                    empty environment variable cannot open the admin API to anyone.
 * @param maxUploadBytes the largest file {@code POST /chat/attachment/} accepts
 * @param uploadTempDir  a directory of its own where uploads wait while their other form fields arrive; it is
 *                       emptied when the API is built, and every file in it is deleted when its request ends
 */
public record RestSettings(Optional<String> adminApiKey, long maxUploadBytes, Path uploadTempDir) {

    public RestSettings {
        Objects.requireNonNull(adminApiKey, "adminApiKey");
        Objects.requireNonNull(uploadTempDir, "uploadTempDir");
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        if (adminApiKey.isPresent() && adminApiKey.get().isBlank()) {
            throw new IllegalArgumentException("The admin API key is blank; leave it unset to turn the admin API off");
        }
    }

    @Override
    public String toString() {
        return "RestSettings[adminApiKey=" + (adminApiKey.isPresent() ? "***" : "<off>") + ", maxUploadBytes="
                + maxUploadBytes + ", uploadTempDir=" + uploadTempDir + "]";
    }
}
