package org.parley.adapter.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Renders one frame's JSON with Jackson's streaming generator into a character buffer kept per thread, so that a frame
 * costs the allocation of its own {@code String} and the generator, not also a {@link java.io.StringWriter} (a
 * {@code StringBuffer} sized for the frame, then copied once more by {@code toString}). Frames are rendered on the
 * delivery thread for every message, and on worker threads for replies.
 *
 * <p>A buffer that grew above {@value #KEPT_CHARS} characters (a frame carrying a long text) is dropped after use, so
 * that a thread keeps at most that much. A frame rendered while the same thread is rendering another (nothing does this
 * today) gets a buffer of its own.
 */
final class FrameJson {

    /** What a frame consists of, written to the generator (the enclosing object included). */
    @FunctionalInterface
    interface Body {
        void writeTo(JsonGenerator frame) throws IOException;
    }

    static final int KEPT_CHARS = 8 * 1024;
    private static final ThreadLocal<TextBuffer> BUFFERS = ThreadLocal.withInitial(TextBuffer::new);

    private FrameJson() {
    }

    /**
     * The JSON text {@code body} writes.
     *
     * @throws UncheckedIOException if the generator refuses what the body writes
     */
    static String render(Body body) {
        TextBuffer buffer = BUFFERS.get();
        if (buffer.inUse) {
            buffer = new TextBuffer();
        }
        buffer.inUse = true;
        try {
            buffer.text.setLength(0);
            try (JsonGenerator frame = Json.MAPPER.getFactory().createGenerator(buffer)) {
                body.writeTo(frame);
            } catch (IOException e) {
                throw new UncheckedIOException("A frame could not be written", e);
            }
            return buffer.text.toString();
        } finally {
            buffer.inUse = false;
            if (buffer.text.capacity() > KEPT_CHARS) {
                BUFFERS.remove();
            }
        }
    }

    /** A {@link Writer} onto a {@link StringBuilder}: no locking, no copy but the final {@code toString}. */
    private static final class TextBuffer extends Writer {

        final StringBuilder text = new StringBuilder(512);
        boolean inUse;

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) {
            text.append(string, offset, offset + length);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
