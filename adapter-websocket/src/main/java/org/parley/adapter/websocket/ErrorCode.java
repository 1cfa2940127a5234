package org.parley.adapter.websocket;

import java.util.Locale;

/**
 * The {@code code} of an error frame (contract §8), and {@code unavailable} (Parley's: the server cannot take the frame
 * now, because the database cannot be reached or the server is stopping; nothing was stored, send it again after
 * {@code retry_after_ms}, on this or another connection).
 */
enum ErrorCode {
    INVALID_JSON,
    UNKNOWN_ACTION,
    VALIDATION_ERROR,
    INVALID_RECEIVER,
    NOT_FOUND,
    FORBIDDEN,
    TOO_LARGE,
    RATE_LIMITED,
    UNAVAILABLE,
    INTERNAL_ERROR;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
