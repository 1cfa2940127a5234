package org.parley.adapter.websocket;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The adapter's one {@link ObjectMapper}: thread-safe once configured, so shared by every connection. Reading a frame
 * takes exactly one JSON value: anything after it but white space ({@code {…} {…}}, {@code {…} xyz}) is an error, as
 * for REST bodies (contract §10). Written as UTF-8 ({@link FrameJson#frame}), a character beyond the BMP is its four
 * bytes, as in the text form, not its two surrogates escaped (Jackson's default for UTF-8 output).
 */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private Json() {
    }
}
