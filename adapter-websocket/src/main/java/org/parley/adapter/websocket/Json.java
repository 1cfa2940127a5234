package org.parley.adapter.websocket;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The adapter's one {@link ObjectMapper}: thread-safe once configured, so shared by every connection. Reading a frame
 * takes exactly one JSON value: anything after it but white space ({@code {…} {…}}, {@code {…} xyz}) is an error, as
 * for REST bodies (contract §10).
 */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }
}
