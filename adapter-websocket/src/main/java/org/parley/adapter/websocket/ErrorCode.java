package org.parley.adapter.websocket;

import java.util.Locale;

/** The {@code code} of an error frame (contract §8). */
enum ErrorCode {
    INVALID_JSON,
    UNKNOWN_ACTION,
    VALIDATION_ERROR,
    INVALID_RECEIVER,
    NOT_FOUND,
    FORBIDDEN,
    TOO_LARGE,
    RATE_LIMITED,
    INTERNAL_ERROR;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
