package org.parley.adapter.rest;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the HTTP API is configured.
 *
 * @param adminApiKey the key a trusted backend sends in {@code X-Api-Key} to use {@code /admin/…}; when empty the
 *                    admin API does not exist (every admin path answers 404). A blank key is refused, so that an
 *                    empty environment variable cannot open the admin API to anyone.
 * @param maxUploadBytes the largest file {@code POST /chat/attachment/} accepts
 * @param uploadTempDir  a directory of its own where uploads wait while their other form fields arrive; it is
 *                       emptied when the API is built, and every file in it is deleted when its request ends
 * @param allowedOrigins the origins ({@code scheme://host[:port]}, compared without regard to case) whose browser
 *                       pages may call the API: CORS preflights and requests from them are answered with the
 *                       {@code Access-Control-Allow-*} headers ({@link CrossOriginRequests}); empty: no CORS headers
 *                       for anyone (contract §16, {@code PARLEY_ALLOWED_ORIGINS})
 */
public record RestSettings(Optional<String> adminApiKey, long maxUploadBytes, Path uploadTempDir,
                           Set<String> allowedOrigins) {

    public RestSettings {
        Objects.requireNonNull(adminApiKey, "adminApiKey");
        Objects.requireNonNull(uploadTempDir, "uploadTempDir");
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        allowedOrigins = allowedOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        if (adminApiKey.isPresent() && adminApiKey.get().isBlank()) {
            throw new IllegalArgumentException("The admin API key is blank; leave it unset to turn the admin API off");
        }
    }

    /**
     * The largest request body any route accepts (bytes): an upload's file plus its other fields and part headers
     * ({@link RequestBodyLimit}), or a JSON body, whichever is larger.
     */
    public long largestBodyBytes() {
        return Math.max(RequestBodyLimit.MAX_JSON_BODY_BYTES, maxUploadBytes + RequestBodyLimit.MULTIPART_OVERHEAD_BYTES);
    }

    /** Settings without CORS. */
    public RestSettings(Optional<String> adminApiKey, long maxUploadBytes, Path uploadTempDir) {
        this(adminApiKey, maxUploadBytes, uploadTempDir, Set.of());
    }

    /** These settings with {@code origins} allowed to call the API from a browser. */
    public RestSettings withAllowedOrigins(Set<String> origins) {
        return new RestSettings(adminApiKey, maxUploadBytes, uploadTempDir, origins);
    }

    @Override
    public String toString() {
        return "RestSettings[adminApiKey=" + (adminApiKey.isPresent() ? "***" : "<off>") + ", maxUploadBytes="
                + maxUploadBytes + ", uploadTempDir=" + uploadTempDir + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
