package org.parley.adapter.websocket;

import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One client text frame on its way through {@link InboundFrames}: its text, read as JSON at most once, when first
 * needed, by whichever thread handles it first. A {@code text_message} is read on the selector thread to try the hot
 * path ({@link InboundFrames#handleFromMemory}); when that declines, the same object goes to the connection's
 * {@link FrameLane}, and {@link InboundFrames#handle} acts on what was read there instead of reading the text again.
 *
 * <p>Not thread-safe, and needs not be: a frame is used by one thread at a time, the lane's executor ordering the
 * selector's use before the worker's.
 */
final class ClientFrame {

    /** Reads a frame's text as JSON ({@code Json.MAPPER::readTree} in production; tests count the reads). */
    @FunctionalInterface
    interface Reader {

        /**
         * @return the JSON value of {@code text}; null or a non-object node when it is not one object
         * @throws JsonProcessingException when {@code text} is not one JSON value
         */
        JsonNode read(String text) throws JsonProcessingException;
    }

    private final String text;
    private boolean read;
    private JsonNode tree;
    private JsonProcessingException refusal;

    /** @param text the frame's text, as the client sent it */
    ClientFrame(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** The frame's text, as the client sent it. */
    String text() {
        return text;
    }

    /** The frame's length in UTF-16 units. */
    int length() {
        return text.length();
    }

    /**
     * The frame's JSON value, read by {@code reader} on the first call only; later calls answer what the first one
     * did (the same value, or the same exception thrown again).
     *
     * @return the value, possibly null or not an object (a frame that is not one object)
     * @throws JsonProcessingException when the text is not one JSON value
     */
    JsonNode tree(Reader reader) throws JsonProcessingException {
        if (!read) {
            try {
                tree = reader.read(text);
            } catch (JsonProcessingException e) {
                refusal = e;
            }
            read = true;
        }
        if (refusal != null) {
            throw refusal;
        }
        return tree;
    }
}
