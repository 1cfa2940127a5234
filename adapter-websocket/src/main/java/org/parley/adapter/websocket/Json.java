package org.parley.adapter.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The adapter's one {@link ObjectMapper}: thread-safe once configured, so shared by every connection. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
