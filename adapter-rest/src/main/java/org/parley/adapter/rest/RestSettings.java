package org.parley.adapter.rest;

import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP API is configured.
 *
 * @param adminApiKey the key a trusted backend sends in {@code X-Api-Key} to use {@code /admin/…}; when empty the
 *                    admin API does not exist (every admin path answers 404). A blank key is refused, so that an
 *                    empty environment variable cannot open the admin API to anyone.
 */
public record RestSettings(Optional<String> adminApiKey) {

    public RestSettings {
        Objects.requireNonNull(adminApiKey, "adminApiKey");
        if (adminApiKey.isPresent() && adminApiKey.get().isBlank()) {
            throw new IllegalArgumentException("The admin API key is blank; leave it unset to turn the admin API off");
        }
    }

    @Override
    public String toString() {
        return "RestSettings[adminApiKey=" + (adminApiKey.isPresent() ? "***" : "<off>") + "]";
    }
}
